/* Mandelbrot set on a size×size grid, 64 iterations max: a tight f64 loop with an early
 * exit. Returns a checksum of the per-pixel iteration counts. */
#include "bench.h"

int run(int size) {
  u32 h = 2166136261u;
  for (int py = 0; py < size; py++) {
    double ci = 2.0 * py / size - 1.0;
    for (int px = 0; px < size; px++) {
      double cr = 2.5 * px / size - 2.0;
      double zr = 0, zi = 0, tr = 0, ti = 0;
      int it = 0;
      while (it < 64 && tr + ti <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = tr - ti + cr;
        tr = zr * zr;
        ti = zi * zi;
        it++;
      }
      h = fnv(h, (u32)it);
    }
  }
  return (int)h;
}
