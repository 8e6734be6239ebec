// First: configures zod before the protocol's schemas are built (zod-config.ts).
import './zod-config.ts';
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
render(<App />, root);
