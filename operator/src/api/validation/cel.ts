// Evaluates the CRDs' `x-kubernetes-validations` rules in process, so a manifest or shard
// config is held to the same cross-field rules the API server enforces, from the same source.
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { childNode, type SchemaNode } from './schema-node.ts';

type Program = ReturnType<typeof plan>;
const programs = new Map<string, Program>();
// Kubernetes CEL includes the strings extension library (split, join, ...).
const env = celEnv({ funcs: strings });

function compile(rule: string): Program {
  let program = programs.get(rule);
  if (!program) {
    program = plan(env, parse(rule));
    programs.set(rule, program);
  }
  return program;
}

/**
 * Converts a JSON value to the CEL value Kubernetes would give `self`: objects become maps,
 * integers (by schema) become CEL ints, other numbers doubles.
 */
export function toCel(value: unknown, schema: SchemaNode | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (value !== null && typeof value === 'object') {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) {
      out.set(k, toCel(v, childNode(schema, k)));
    }
    return out;
  }
  if (typeof value === 'number' && schema?.type === 'integer' && Number.isInteger(value))
    return BigInt(value);
  return value;
}

export type RuleOutcome = { ok: true } | { ok: false; error?: string };

/** Runs one rule with `self` bound; anything but `true` fails, an evaluation error says why. */
export function evaluateRule(rule: string, self: unknown): RuleOutcome {
  let result: unknown;
  try {
    result = compile(rule)({ self } as never);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (result === true) return { ok: true };
  if (isCelError(result)) return { ok: false, error: result.message };
  return { ok: false };
}
