// Runs fuzz cases in persistent child processes, so that a case that crashes the process
// (a native fault in generated code), hangs (an infinite loop: there is no fuel or epoch
// interruption yet) or exhausts memory is caught, attributed to its case, and followed by a
// fresh child. Children report the phase they enter, so a timeout says where it hung.
import { fork, type ChildProcess } from 'node:child_process';

export type ChildMessage<R> =
  | { type: 'ready' }
  | { type: 'phase'; id: number; phase: string }
  | { type: 'result'; id: number; result: R };

export type ParentMessage<J> = { type: 'job'; id: number; job: J };

export type CaseOutcome<R> =
  | { kind: 'done'; result: R; ms: number }
  | { kind: 'timeout'; phase: string; ms: number }
  | { kind: 'crash'; phase: string; exit: string; stderr: string; ms: number };

export interface PoolOptions {
  /** The child's entry script (compiled .js). */
  script: string;
  jobs: number;
  timeoutMs: number;
  /** Extra node flags for the children (e.g. a heap cap, V8 feature flags). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Replace a child after this many cases. The runtime never frees instances whose function
   * references escaped (refs.ts), each holding an 8 GiB memory reservation, so a child that
   * ran thousands of modules would run out of address space.
   */
  recycleAfter?: number;
}

interface Slot<J, R> {
  child: ChildProcess;
  ready: Promise<void>;
  stderr: string;
  cases: number;
  /** Taken by a run() that has not sent its job yet (acquire and send are not atomic). */
  reserved: boolean;
  busy?: { id: number; job: J; phase: string; started: number; timer: NodeJS.Timeout; resolve: (o: CaseOutcome<R>) => void };
}

const STDERR_KEEP = 8192;

export class CasePool<J, R> {
  private slots: Slot<J, R>[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {}

  private spawn(): Slot<J, R> {
    const child = fork(this.opts.script, [], {
      execArgv: this.opts.execArgv ?? [],
      env: this.opts.env ?? process.env,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let markReady!: () => void;
    const slot: Slot<J, R> = { child, stderr: '', cases: 0, reserved: false, ready: new Promise((r) => (markReady = r)) };
    child.stderr!.on('data', (d: Buffer) => {
      slot.stderr = (slot.stderr + d.toString()).slice(-STDERR_KEEP);
    });
    child.on('message', (m: ChildMessage<R>) => {
      if (m.type === 'ready') markReady();
      else if (slot.busy && m.id === slot.busy.id) {
        if (m.type === 'phase') slot.busy.phase = m.phase;
        else this.finish(slot, { kind: 'done', result: m.result, ms: Date.now() - slot.busy.started });
      }
    });
    child.on('exit', (code, signal) => {
      const b = slot.busy;
      markReady(); // a child that dies before 'ready' must not block acquire()
      if (b) {
        this.finish(slot, {
          kind: 'crash', phase: b.phase, exit: signal ? `signal ${signal}` : `exit code ${code}`,
          stderr: slot.stderr, ms: Date.now() - b.started,
        });
      }
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
    });
    this.slots.push(slot);
    return slot;
  }

  private finish(slot: Slot<J, R>, outcome: CaseOutcome<R>): void {
    const b = slot.busy;
    if (!b) return;
    clearTimeout(b.timer);
    slot.busy = undefined;
    slot.stderr = '';
    slot.cases++;
    if (outcome.kind !== 'done' || slot.cases >= (this.opts.recycleAfter ?? Infinity)) {
      // The child is dead or hung: never reuse it.
      slot.child.removeAllListeners('message');
      slot.child.removeAllListeners('exit');
      if (slot.child.exitCode === null && slot.child.signalCode === null) slot.child.kill('SIGKILL');
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
    }
    b.resolve(outcome);
    this.wake();
  }

  private waiters: (() => void)[] = [];
  private wake(): void {
    const w = this.waiters.shift();
    if (w) w();
  }

  private async acquire(): Promise<Slot<J, R>> {
    for (;;) {
      if (this.closed) throw new Error('BUG: CasePool used after close()');
      let slot = this.slots.find((s) => !s.busy && !s.reserved);
      if (!slot && this.slots.length < this.opts.jobs) slot = this.spawn();
      if (slot) {
        slot.reserved = true;
        return slot;
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Runs one case in some child; never rejects. */
  async run(job: J): Promise<CaseOutcome<R>> {
    const slot = await this.acquire();
    const id = this.nextId++;
    const started = Date.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const b = slot.busy;
        if (b?.id === id) this.finish(slot, { kind: 'timeout', phase: b.phase, ms: Date.now() - started });
      }, this.opts.timeoutMs);
      slot.reserved = false;
      slot.busy = { id, job, phase: 'starting', started, timer, resolve };
      void slot.ready.then(() => {
        if (slot.busy?.id !== id) return;
        // The timeout covers the child's start-up too (loading binaryen takes a while).
        slot.busy.started = Date.now();
        clearTimeout(slot.busy.timer);
        slot.busy.timer = setTimeout(() => {
          const b = slot.busy;
          if (b?.id === id) this.finish(slot, { kind: 'timeout', phase: b.phase, ms: Date.now() - b.started });
        }, this.opts.timeoutMs);
        slot.child.send({ type: 'job', id, job } satisfies ParentMessage<J>);
      });
    });
  }

  /** Runs `count` cases with at most `jobs` in flight; `make(i)` builds case i. */
  async runAll(count: number, make: (i: number) => J, done: (i: number, job: J, o: CaseOutcome<R>) => void): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = next++;
        const job = make(i);
        done(i, job, await this.run(job));
      }
    };
    await Promise.all(Array.from({ length: this.opts.jobs }, lane));
  }

  close(): void {
    this.closed = true;
    for (const s of this.slots) s.child.kill('SIGKILL');
    this.slots = [];
  }
}

/** Child side: answer jobs with `handle`, reporting phases through `phase`. */
export function serveCases<J, R>(handle: (job: J, phase: (p: string) => void) => R | Promise<R>): void {
  const send = (m: ChildMessage<R>) => process.send!(m);
  process.on('message', async (m: ParentMessage<J>) => {
    if (m.type !== 'job') return;
    const result = await handle(m.job, (phase) => send({ type: 'phase', id: m.id, phase }));
    send({ type: 'result', id: m.id, result });
  });
  send({ type: 'ready' });
}
