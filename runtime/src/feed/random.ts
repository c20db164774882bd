// Seeded randomness for the synthetic market. Every instrument gets its own generator whose
// state is a hash of (seed, instrument), so adding or removing an instrument never changes the
// numbers another instrument draws.
import { createHash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const TWO_POW_MINUS_26 = 2 ** -26;
const TWO_POW_MINUS_53 = 2 ** -53;

/** Uniform and normal draws from one xoroshiro128+ stream. */
export class Random {
  readonly #rng: RandomGenerator;
  /** The second normal of the last Box-Muller pair, NaN when used. */
  #spare = Number.NaN;

  constructor(rng: RandomGenerator) {
    this.#rng = rng;
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    const high = this.#rng.next() >>> 6; // 26 bits
    const low = this.#rng.next() >>> 5; // 27 bits
    return high * TWO_POW_MINUS_26 + low * TWO_POW_MINUS_53;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  uniformPositive(): number {
    return 1 - this.uniform();
  }

  /** Standard normal (Box-Muller; each pair of uniforms gives two normals). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = Number.NaN;
      return z;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniformPositive()));
    const angle = 2 * Math.PI * this.uniform();
    this.#spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/** The generator of one instrument under one seed. */
export function instrumentRandom(seed: number, instrument: string): Random {
  const state = hashWords(`flotilla-feed\0${seed}\0${instrument}`);
  return new Random(xoroshiro128plusFromState(state));
}

/**
 * A number in [0, 1) that depends only on the text (not on any seed): used for an instrument's
 * starting price and volume level, so an instrument starts at the same level under every seed.
 */
export function textUnit(text: string): number {
  const [a = 0, b = 0] = hashWords(text);
  return (a >>> 6) * TWO_POW_MINUS_26 + (b >>> 5) * TWO_POW_MINUS_53;
}

/** The first four 32-bit words of SHA-256(text), as signed integers. */
function hashWords(text: string): number[] {
  const digest = createHash('sha256').update(text).digest();
  return [
    digest.readInt32BE(0),
    digest.readInt32BE(4),
    digest.readInt32BE(8),
    digest.readInt32BE(12),
  ];
}
