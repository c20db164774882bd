import { describe, expect, it } from 'vitest';
import { find, type Manifest, RELEASE_NAMESPACE, render } from './helm.ts';

// What the operator does, and nothing more. A change to this list must be deliberate: update
// the chart's Role, its README table and docs/install.md together.
const OPERATOR_RULES = [
  {
    apiGroups: ['flotilla.dev'],
    resources: ['strategies', 'models'],
    verbs: ['get', 'list', 'watch'],
  },
  {
    apiGroups: ['flotilla.dev'],
    resources: ['strategies/status', 'models/status'],
    verbs: ['get', 'update', 'patch'],
  },
  {
    apiGroups: [''],
    resources: ['configmaps', 'services'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['apps'],
    resources: ['statefulsets'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['policy'],
    resources: ['poddisruptionbudgets'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

const RUNNER_RULES = [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
];

/** Every (group, resource, verb) a rule list grants. */
const grants = (rules: Manifest[]) =>
  rules.flatMap((r) =>
    r.apiGroups.flatMap((g: string) =>
      r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}/${res}:${v}`)),
    ),
  );

const arg = (manifests: Manifest[], flag: string) =>
  (find(manifests, 'Deployment').spec.template.spec.containers[0].args as string[])
    .find((a) => a.startsWith(`--${flag}=`))
    ?.split('=')[1];

describe('RBAC with the default values', () => {
  const manifests = render();

  it('creates nothing cluster-wide', () => {
    const kinds = manifests.map((m) => m.kind);
    expect(kinds).not.toContain('ClusterRole');
    expect(kinds).not.toContain('ClusterRoleBinding');
    for (const m of manifests) expect(m.metadata.namespace, m.kind).toBe(RELEASE_NAMESPACE);
  });

  it('grants the operator exactly the rules it uses', () => {
    expect(find(manifests, 'Role', 'flotilla-operator').rules).toEqual(OPERATOR_RULES);
  });

  it('grants no wildcard, no Secrets, no Pods and no RBAC objects', () => {
    const all = manifests.filter((m) => m.kind === 'Role').flatMap((m) => grants(m.rules));
    expect(all.filter((g) => g.includes('*'))).toEqual([]);
    expect(all.filter((g) => /\/(secrets|pods|roles|rolebindings)[:/]/.test(g))).toEqual([]);
  });

  it('binds the operator Role to the ServiceAccount the Deployment runs as', () => {
    const binding = find(manifests, 'RoleBinding', 'flotilla-operator');
    const sa = find(manifests, 'ServiceAccount', 'flotilla-operator');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'flotilla-operator',
    });
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: RELEASE_NAMESPACE },
    ]);
    expect(find(manifests, 'Deployment').spec.template.spec.serviceAccountName).toBe(
      sa.metadata.name,
    );
  });

  it('gives the runners read access to ConfigMaps under the account the operator names', () => {
    const account = arg(manifests, 'runner-service-account');
    expect(account).toBe('flotilla-runner');
    expect(find(manifests, 'ServiceAccount', account).metadata.name).toBe(account);
    expect(find(manifests, 'Role', account).rules).toEqual(RUNNER_RULES);
    expect(find(manifests, 'RoleBinding', account).subjects).toEqual([
      { kind: 'ServiceAccount', name: account, namespace: RELEASE_NAMESPACE },
    ]);
  });
});

describe('RBAC with watchNamespace set', () => {
  const manifests = render({ watchNamespace: 'fleet' });
  const where = (kind: string, name: string) => find(manifests, kind, name).metadata.namespace;

  it('puts the Roles, RoleBindings and the runner account in the watched namespace', () => {
    for (const kind of ['Role', 'RoleBinding'])
      for (const name of ['flotilla-operator', 'flotilla-runner'])
        expect(where(kind, name), `${kind} ${name}`).toBe('fleet');
    expect(where('ServiceAccount', 'flotilla-runner')).toBe('fleet');
  });

  it('keeps the operator itself in the release namespace and binds it across', () => {
    expect(where('ServiceAccount', 'flotilla-operator')).toBe(RELEASE_NAMESPACE);
    expect(where('Deployment', 'flotilla-operator')).toBe(RELEASE_NAMESPACE);
    expect(find(manifests, 'RoleBinding', 'flotilla-operator').subjects[0].namespace).toBe(
      RELEASE_NAMESPACE,
    );
  });
});

describe('names under another release name', () => {
  it('prefixes every object and passes the runner account it created', () => {
    const manifests = render({ fullnameOverride: 'fleet-a' });
    expect(arg(manifests, 'runner-service-account')).toBe('fleet-a-runner');
    expect(find(manifests, 'Role', 'fleet-a-operator').rules).toEqual(OPERATOR_RULES);
    expect(find(manifests, 'ServiceAccount', 'fleet-a-runner').metadata.name).toBe(
      'fleet-a-runner',
    );
  });
});
