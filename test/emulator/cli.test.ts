import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAnswer, postXml, requestXml } from './gateway-client';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Own process group, so a signal reaches npx, tsx and the emulator alike (npx does not forward it). */
function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn('npx', ['tsx', 'local/emulator/main.ts', ...args], { cwd: REPO_ROOT, stdio: 'pipe', detached: true });
}

function signalGroup(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'POST', body: '<x/>' });
    return true;
  } catch {
    return false;
  }
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

describe('emulator CLI', () => {
  let child: ChildProcessWithoutNullStreams | undefined;

  afterEach(() => {
    if (child) signalGroup(child, 'SIGKILL');
    child = undefined;
  });

  it('prints one JSON line with endpoint and credentials, serves them, and stops on SIGTERM', async () => {
    child = spawnCli(['--port', '0', '--customers', '3', '--employees', '2', '--departments', '1', '--companies', '3', '--seed', '5']);
    let extraOutput = '';

    const line = await firstLine(child);
    child.stdout.on('data', (chunk: Buffer) => {
      extraOutput += chunk.toString();
    });
    const info = JSON.parse(line);
    const [company] = info.companies;
    const answer = await postXml(
      info.endpointUrl,
      requestXml(info, { login: { userId: company.userId, companyId: company.companyId, password: company.userPassword } }, [
        { xml: '<query><object>CUSTOMER</object><select><field>RECORDNO</field></select></query>' },
      ]),
    );
    const exited = once(child, 'exit');
    signalGroup(child, 'SIGTERM');
    const [code, signal] = (await exited) as [number | null, string | null];
    let stillListening = await isListening(info.endpointUrl);
    for (let attempt = 0; stillListening && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stillListening = await isListening(info.endpointUrl);
    }

    expect(Object.keys(info).sort()).toEqual(['companies', 'endpointUrl', 'senderId', 'senderPassword']);
    expect(info.endpointUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ia\/xml\/xmlgw\.phtml$/);
    expect(info.companies).toHaveLength(3);
    expect(Object.keys(company).sort()).toEqual(['companyId', 'userId', 'userPassword']);
    expect(parseAnswer(answer.text).response.operation.result[0].data['@_totalcount']).toBe('3');
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(extraOutput).toBe('');
    expect(stillListening).toBe(false);
  });

  it("takes --entities, --employee-contact-fields and --session-ttl-s, and lists each company's entities", async () => {
    child = spawnCli([
      '--customers',
      '6',
      '--employees',
      '4',
      '--companies',
      '1',
      '--entities',
      '2',
      '--employee-contact-fields',
      'personalinfo',
      '--session-ttl-s',
      '90',
    ]);

    const info = JSON.parse(await firstLine(child));
    const [company] = info.companies;
    const login = { login: { userId: company.userId, companyId: company.companyId, password: company.userPassword, locationId: 'E200' } };
    const answer = parseAnswer(
      (
        await postXml(
          info.endpointUrl,
          requestXml(info, login, [
            { xml: '<query><object>EMPLOYEE</object><select><field>PERSONALINFO.CONTACTNAME</field><field>MEGAENTITYID</field></select></query>' },
          ]),
        )
      ).text,
    ).response.operation;

    expect(company.entities).toEqual([
      { entityId: 'E100', name: 'Northwind East' },
      { entityId: 'E200', name: 'Northwind West' },
    ]);
    expect(answer.authentication.locationid).toBe('E200');
    expect(Date.parse(answer.authentication.sessiontimeout) - Date.parse(answer.authentication.sessiontimestamp)).toBe(90_000);
    expect(answer.result[0].status).toBe('success');
  });

  it.each([
    ['an unknown flag', ['--bogus', '1']],
    ['a non-numeric count', ['--customers', 'many']],
    ['zero companies', ['--companies', '0']],
    ['an unknown contact field naming', ['--employee-contact-fields', 'both']],
    ['a non-numeric entity count', ['--entities', 'two']],
    ['a zero session lifetime', ['--session-ttl-s', '0']],
  ])('exits with code 2 and a message on stderr for %s', async (_label, args) => {
    child = spawnCli(args);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });

    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(2);
    expect(stderr).toMatch(/usage/);
  });
});
