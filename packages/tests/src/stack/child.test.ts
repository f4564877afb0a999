// The stack guarantee holds in a process with no signal handler at all: a fresh child runs
// the scenarios and reports what the native signal hook saw (nothing installed, no signal).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { DeepJsResult, DeepNativeResult, StormResult, ThreadReport } from './scenarios.js';

describe('stack: a process without any signal handler', () => {
  it('runs every stack scenario with signalHandlerInstalled() false and signalCount() 0', function () {
    this.timeout(120_000);
    const entry = fileURLToPath(new URL('./child-entry.js', import.meta.url));
    const r = spawnSync(process.execPath, [entry], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as ThreadReport;
    expect(report.signalHandlerInstalled).to.equal(false);
    expect(report.signalCount).to.equal(0);
    expect(report.small).to.deep.equal({ kind: 'value', value: '100' });
    const n = report.native as DeepNativeResult;
    expect(n.checksum).to.equal(n.expected);
    const js = report.js as DeepJsResult;
    expect(js.result.kind).to.equal('value');
    expect(js.thrown).to.include({ same: true });
    expect((report.storm as StormResult).traps).to.equal(2000);
  });
});
