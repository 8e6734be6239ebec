/**
 * Zod without its JIT in the browser: the hub's Content-Security-Policy allows no `eval`,
 * and zod's probe for it (`new Function('')`, caught) is still reported as a CSP
 * violation. Imported first by main.tsx, before any schema is built.
 */
import { config } from 'zod';

config({ jitless: true });
