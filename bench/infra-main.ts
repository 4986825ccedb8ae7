/**
 * Child-process entry hosting one server for the orchestrator: `emulator <companies-json>`, or
 * `dynalite [latency-proxy]` (with B5's latency proxy in front of it, in this process, starting as
 * a pass-through). It reports where it listens over IPC and stays up until the parent disconnects.
 */
import type { EmulatorCompanySeed } from '../local/emulator';
import { type DynamoTarget, type EmulatorTarget, startBenchDynalite, startBenchEmulator } from './infra';
import { startLatencyProxy } from './latency-proxy';

export type InfraReady = { kind: 'emulator'; target: EmulatorTarget } | { kind: 'dynalite'; target: DynamoTarget; proxy: DynamoTarget | null };

async function main(): Promise<void> {
  const [role, argument] = process.argv.slice(2);
  let close: () => Promise<void>;
  let ready: InfraReady;
  if (role === 'emulator') {
    const emulator = await startBenchEmulator(JSON.parse(argument ?? '[]') as EmulatorCompanySeed[]);
    close = () => emulator.close();
    ready = {
      kind: 'emulator',
      target: {
        endpointUrl: emulator.endpointUrl,
        baseUrl: emulator.baseUrl,
        senderId: emulator.senderId,
        senderPassword: emulator.senderPassword,
      },
    };
  } else if (role === 'dynalite') {
    const server = await startBenchDynalite();
    const proxy = argument === 'latency-proxy' ? await startLatencyProxy(server.server) : null;
    close = async () => {
      await proxy?.close();
      await server.close();
    };
    ready = { kind: 'dynalite', target: { endpoint: server.endpoint }, proxy: proxy ? { endpoint: proxy.endpoint } : null };
  } else {
    throw new Error(`Unknown infra role ${role ?? '(none)'}; expected emulator or dynalite`);
  }
  process.once('disconnect', () => {
    void close().finally(() => process.exit(0));
  });
  process.send?.(ready);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
