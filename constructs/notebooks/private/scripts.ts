// Lifecycle scripts of notebook instances: the idle auto-stop part, and how several scripts become the
// one script per hook that the API takes (`OnCreate` and `OnStart` are lists of at most one item).
import * as crypto from 'crypto';
import { Token } from 'aws-cdk-lib';

/** What the API takes per hook: at most 16,384 characters of base64. */
export const LIFECYCLE_CONTENT_MAX = 16384;

/** Where the on-start part installs the checker, and the names of its systemd units. */
const CHECKER = '/usr/local/bin/sagemaker-idle-stop.py';
const UNIT = 'sagemaker-idle-stop';

/**
 * The idle checker, run every 5 minutes as root by a systemd timer. Python 3 standard library only
 * (the platform's /usr/bin/python3: 3.7 on AL2, 3.9 on AL2023), so it needs no package and no
 * internet. It reads the Jupyter server's sessions and terminals; the instance is idle when no kernel
 * is busy and the latest activity (kernels, terminals, or the boot when there is none) is older than
 * the timeout. Open browser tabs do not count: a tab left open all night keeps its websocket.
 * Then it calls `aws sagemaker stop-notebook-instance` on itself, named by the instance's metadata.
 */
const CHECKER_SOURCE = `import datetime, json, os, shutil, ssl, subprocess, sys, time, urllib.request

IDLE_SECONDS = int(sys.argv[1]) * 60

def log(message):
    print('sagemaker-idle-stop: ' + message, flush=True)

def jupyter(path):
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    for base in ('https://localhost:8443', 'http://localhost:8888'):
        try:
            with urllib.request.urlopen(base + path, context=insecure if base.startswith('https') else None, timeout=10) as response:
                return json.load(response)
        except Exception:
            continue
    return None

def epoch(text):
    return datetime.datetime.strptime(text[:19], '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc).timestamp()

sessions = jupyter('/api/sessions')
if sessions is None:
    log('the Jupyter server does not answer yet')
    sys.exit(0)
with open('/proc/uptime') as f:
    last = time.time() - float(f.read().split()[0])
for session in sessions:
    kernel = session.get('kernel') or {}
    if kernel.get('execution_state') == 'busy':
        log('a kernel is busy')
        sys.exit(0)
    if kernel.get('last_activity'):
        last = max(last, epoch(kernel['last_activity']))
for terminal in jupyter('/api/terminals') or []:
    if terminal.get('last_activity'):
        last = max(last, epoch(terminal['last_activity']))
idle = time.time() - last
if idle < IDLE_SECONDS:
    log('idle for %d of %d seconds' % (idle, IDLE_SECONDS))
    sys.exit(0)
with open('/opt/ml/metadata/resource-metadata.json') as f:
    metadata = json.load(f)
name = metadata['ResourceName']
region = metadata['ResourceArn'].split(':')[3]
aws = shutil.which('aws', path=os.environ.get('PATH', '') + ':/usr/local/bin:/usr/bin:/home/ec2-user/anaconda3/bin')
if aws is None:
    log('no aws CLI found: cannot stop ' + name)
    sys.exit(1)
log('idle for %d seconds: stopping %s' % (idle, name))
sys.exit(subprocess.call([aws, 'sagemaker', 'stop-notebook-instance', '--notebook-instance-name', name, '--region', region]))
`;

/**
 * The on-start part that installs the idle checker and its systemd timer. A timer rather than cron:
 * systemd runs on every platform (AL2 and AL2023), while AL2023 ships without cronie. The root volume
 * is rebuilt at every start, hence on-start. `idleMinutes` may be a token (a number of minutes).
 */
export function autoStopScript(idleMinutes: number): string {
  const idle = Token.isUnresolved(idleMinutes) ? Token.asString(idleMinutes) : String(idleMinutes);
  return [
    '#!/bin/bash',
    `# Idle auto-stop (sagemaker-lifecycle-constructs): stops this notebook instance after ${idle} minutes without`,
    '# kernel or terminal activity. Checked every 5 minutes by a systemd timer; logs: journalctl -u ' + UNIT,
    'set -euo pipefail',
    `cat > ${CHECKER} <<'SMLC_IDLE_STOP_PY'`,
    CHECKER_SOURCE.trimEnd(),
    'SMLC_IDLE_STOP_PY',
    `chmod 755 ${CHECKER}`,
    `cat > /etc/systemd/system/${UNIT}.service <<SMLC_UNIT`,
    '[Unit]',
    'Description=Stop this SageMaker notebook instance when it is idle',
    '[Service]',
    'Type=oneshot',
    `ExecStart=/usr/bin/python3 ${CHECKER} ${idle}`,
    'SMLC_UNIT',
    `cat > /etc/systemd/system/${UNIT}.timer <<SMLC_TIMER`,
    '[Unit]',
    'Description=Check every 5 minutes whether this notebook instance is idle',
    '[Timer]',
    'OnBootSec=5min',
    'OnUnitActiveSec=5min',
    '[Install]',
    'WantedBy=timers.target',
    'SMLC_TIMER',
    'systemctl daemon-reload',
    `systemctl enable --now ${UNIT}.timer`,
    '',
  ].join('\n');
}

/** A heredoc delimiter that no line of `content` equals. */
function delimiter(index: number, content: string): string {
  const lines = new Set(content.split('\n').map((l) => l.replace(/\r$/, '')));
  let candidate = `SMLC_PART_${index}`;
  let salt = 0;
  while (lines.has(candidate)) {
    candidate = `SMLC_PART_${index}_${crypto.createHash('sha256').update(`${salt++}:${content}`).digest('hex').slice(0, 8).toUpperCase()}`;
  }
  return candidate;
}

/**
 * One script from several, for one hook. A single part is passed on as it is; several are each
 * written to a file and run in turn, with their own interpreter line (bash when they have none), so
 * one part's `exit` or shell options do not leak into the next; the first that fails fails the hook.
 */
export function mergeScripts(parts: string[]): string {
  if (parts.length === 1) return parts[0];
  const out = [
    '#!/bin/bash',
    `# ${parts.length} lifecycle scripts merged by sagemaker-lifecycle-constructs, run in turn; the first that fails fails the hook.`,
    'set -euo pipefail',
    'run_part() {',
    '  local file',
    '  file=$(mktemp)',
    '  cat > "$file"',
    '  chmod 700 "$file"',
    '  if [ "$(head -c 2 "$file")" = "#!" ]; then "$file"; else /bin/bash "$file"; fi',
    '  rm -f "$file"',
    '}',
  ];
  parts.forEach((part, i) => {
    const end = delimiter(i + 1, part);
    out.push(`run_part <<'${end}'`, part.endsWith('\n') ? part.slice(0, -1) : part, end);
  });
  return out.join('\n') + '\n';
}

/** The length of `script` in base64, as the API counts it (the literal parts when it holds tokens). */
export function base64Length(script: string): number {
  return 4 * Math.ceil(Buffer.byteLength(script, 'utf8') / 3);
}
