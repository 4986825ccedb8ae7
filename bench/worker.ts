/**
 * Child-process entry: runs the one job given as JSON in argv[2] and sends its result to the
 * parent over IPC, so each scenario's peak RSS is its own.
 */
import { type BenchJob, runJob } from './scenarios';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as BenchJob;
  const result = await runJob(job);
  await new Promise<void>((resolve, reject) => {
    process.send?.(result, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
  process.disconnect?.();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
