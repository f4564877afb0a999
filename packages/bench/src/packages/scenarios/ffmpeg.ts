// @ffmpeg/core (FFmpeg 5.1 compiled with Emscripten, single-thread build): `-version`, then
// a tiny transcode of generated input (lavfi's testsrc pattern and a sine tone, 1 s at
// 64x48 and 5 fps) to MPEG-4 Part 2 video and AAC audio in an MP4 file, which is decoded
// again to per-frame MD5s. Its wasm uses the threads proposal's atomic operators on an
// unshared memory even in this single-thread build (issue 18).
//
// The package is built for a browser worker: it reads `self.location` and fetches its wasm,
// so the scenario hands it the wasm bytes (Emscripten's `wasmBinary` option) and a `self`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { scenario } from '../scenario.js';

const require = createRequire(import.meta.url);

/** The part of @ffmpeg/core's Emscripten module used here (the package ships no types). */
interface FFmpegCore {
  exec(...args: string[]): number;
  reset(): void;
  setLogger(logger: (m: { type: string; message: string }) => void): void;
  FS: { readFile(path: string): Uint8Array; unlink(path: string): void };
}
type CreateCore = (options: { wasmBinary: Uint8Array }) => Promise<FFmpegCore>;

interface State {
  core: FFmpegCore;
  log: string[];
}

/** Same bytes on every run and engine: no encoder version strings or timestamps. */
const EXACT = ['-fflags', '+bitexact', '-flags', '+bitexact', '-map_metadata', '-1'];

const TRANSCODE = [
  '-hide_banner', '-nostats',
  '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1',
  '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=1',
  '-c:v', 'mpeg4', '-q:v', '4', '-c:a', 'aac', '-b:a', '32k', ...EXACT, 'out.mp4',
];

const DECODE = ['-hide_banner', '-nostats', '-i', 'out.mp4', ...EXACT, '-f', 'framemd5', 'out.framemd5'];

/** Runs one ffmpeg command line; its log (stdout and stderr lines) and exit code as text. */
function exec(s: State, args: string[]): string {
  s.log.length = 0;
  s.core.reset();
  const code = s.core.exec(...args);
  // Masked: the final progress line's fps= and speed= (wall-clock rates), and the decoded-frames
  // total, which this build keeps counting across commands (a global that is never reset).
  const lines = s.log.map((line) =>
    line.replace(/\b(fps|speed)=\s*\S+/g, '$1=(masked)').replace(/^stdout: \d+ frames successfully decoded/, 'stdout: (masked) frames successfully decoded'));
  return `${lines.join('\n')}\nexit code ${code}\n`;
}

export default scenario<State>({
  name: 'ffmpeg',
  pkg: '@ffmpeg/core',
  what: '-version; testsrc + sine (1 s, 64x48) to MPEG-4/AAC in MP4; decoded again to frame MD5s',
  timed: true,
  async load() {
    const entry = require.resolve('@ffmpeg/core');
    const wasmBinary = new Uint8Array(readFileSync(path.join(path.dirname(entry), 'ffmpeg-core.wasm')));
    (globalThis as { self?: unknown }).self ??= { location: { href: '' } };
    const create = require('@ffmpeg/core') as CreateCore;
    const core = await create({ wasmBinary });
    const log: string[] = [];
    core.setLogger(({ type, message }) => log.push(`${type}: ${message}`));
    const state = { core, log };
    // ffmpeg's globals outlive a command in this build: after the first command of a
    // process, the option parser logs at debug level. One command here puts every run's
    // commands in that same state.
    exec(state, ['-hide_banner', '-version']);
    return state;
  },
  async run(s) {
    const version = exec(s, ['-hide_banner', '-version']);
    const transcode = exec(s, TRANSCODE);
    const mp4 = s.core.FS.readFile('out.mp4');
    const decode = exec(s, DECODE);
    const md5s = new TextDecoder().decode(s.core.FS.readFile('out.framemd5'));
    s.core.FS.unlink('out.mp4');
    s.core.FS.unlink('out.framemd5');
    return {
      'version.txt': version,
      'transcode.log': transcode,
      'out.mp4': mp4,
      'decode.log': decode,
      'out.framemd5': md5s,
    };
  },
});
