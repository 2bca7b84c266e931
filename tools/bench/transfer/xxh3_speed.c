/* XXH3-128 throughput in WebAssembly at the optimisation level given to emcc: the checksum every
 * transferred byte goes through on both sides (src/core/transfer/checksum.cpp). Run by
 * xxh3_wasm.sh, which builds this at -Os (the page's default) and -O3 and compares. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <emscripten.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    const size_t chunk = 256u << 10; /* one transfer chunk */
    const int rounds = 1024;         /* 256 MiB in all */
    unsigned char* bytes = malloc(chunk);
    if (!bytes) return 1;
    for (size_t i = 0; i < chunk; ++i) bytes[i] = (unsigned char)(i * 131u + 7u);
    XXH3_state_t state;
    XXH3_128bits_reset(&state);
    const double t0 = emscripten_get_now();
    for (int i = 0; i < rounds; ++i) XXH3_128bits_update(&state, bytes, chunk);
    const double ms = emscripten_get_now() - t0;
    const XXH128_hash_t h = XXH3_128bits_digest(&state);
    printf("MiB/s %.0f digest %016llx%016llx\n", (double)rounds * chunk / (1 << 20) / (ms / 1000),
           (unsigned long long)h.high64, (unsigned long long)h.low64);
    free(bytes);
    return 0;
}
