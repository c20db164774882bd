package cluster

import (
	"fmt"
	"path/filepath"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"sigs.k8s.io/yaml"
)

// writeVerbs are the verbs that change state; only they are audited.
var writeVerbs = []string{"create", "update", "patch", "delete", "deletecollection"}

// auditPolicy records every write at Metadata level (who, what, when; no bodies) except the
// periodic noise of Leases (heartbeats) and Events, and nothing else. Rules match in order.
func auditPolicy() auditv1.Policy {
	return auditv1.Policy{
		TypeMeta: metav1.TypeMeta{APIVersion: "audit.k8s.io/v1", Kind: "Policy"},
		// One event per request, when the response is ready.
		OmitStages: []auditv1.Stage{auditv1.StageRequestReceived},
		Rules: []auditv1.PolicyRule{
			{Level: auditv1.LevelNone, Resources: []auditv1.GroupResources{
				{Group: "coordination.k8s.io", Resources: []string{"leases"}},
				{Group: "", Resources: []string{"events"}},
				{Group: "events.k8s.io", Resources: []string{"events"}},
			}},
			{Level: auditv1.LevelMetadata, Verbs: writeVerbs},
			{Level: auditv1.LevelNone},
		},
	}
}

const auditPolicyHeader = `# Written by kube up on every start (edits are overwritten).
# Audits every write (create, update, patch, delete, deletecollection) at Metadata level, except
# Leases and Events, into audit.log beside this file; reads are not audited.
`

// auditPolicyPath is the API server's --audit-policy-file.
func auditPolicyPath(dir string) string { return filepath.Join(dir, "audit-policy.yaml") }

// writeAuditPolicy writes D/audit-policy.yaml.
func writeAuditPolicy(dir string) error {
	data, err := yaml.Marshal(auditPolicy())
	if err != nil {
		return fmt.Errorf("encode audit policy: %w", err)
	}
	return writeFileAtomic(auditPolicyPath(dir), append([]byte(auditPolicyHeader), data...), 0o644)
}
