/*
 * hash.c - ln_hash64 and ln_hash_unit: the library's deterministic
 * randomness (core.h). splitmix64's finalizer (G. L. Steele, D. Lea,
 * C. H. Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014): a bijection on 64 bits; a draw is the hash of a counter
 * (seed, terminal, step), so results do not depend on call order,
 * threads or machine.
 */
#include "leonet/core.h"

uint64_t ln_hash64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

double ln_hash_unit(uint64_t x)
{
    return (double)(ln_hash64(x) >> 11) * (1.0 / 9007199254740992.0);
}
