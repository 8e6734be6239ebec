/**
 * `anyu <command>`: dispatches to the component that owns the command. Each command
 * module exports `run(args): Promise<number>` resolving to the process exit code.
 */
const commands: Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> }> = {
  start: { summary: 'hub + dashboard + a demo edge on sample footage (embedded defaults)', load: () => import('./start.ts') },
  hub: { summary: 'the hub: embedded MQTT broker, store, REST API, live push, dashboard', load: () => import('../hub/cli.ts') },
  edge: { summary: 'an edge agent: --config <file>', load: () => import('../edge/cli/edge.ts') },
  analyze: { summary: 'offline analysis: --input <file|rtsp> --out <file.jsonl>', load: () => import('../edge/cli/analyze.ts') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: anyu <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n'anyu <command> --help' shows a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`anyu: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}
