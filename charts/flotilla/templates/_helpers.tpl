{{/* Names, labels and the few derived values every template shares. */}}

{{/* The chart name, overridable by nameOverride. */}}
{{- define "flotilla.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release-qualified name; the release name alone when it already holds the chart name. */}}
{{- define "flotilla.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the operator's Deployment, ServiceAccount, Role and RoleBinding. */}}
{{- define "flotilla.operatorName" -}}
{{- printf "%s-operator" (include "flotilla.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of the runners' ServiceAccount, Role and RoleBinding (passed as --runner-service-account). */}}
{{- define "flotilla.runnerName" -}}
{{- printf "%s-runner" (include "flotilla.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The namespace the operator watches and runs the fleet in. */}}
{{- define "flotilla.watchNamespace" -}}
{{- default .Release.Namespace .Values.watchNamespace }}
{{- end }}

{{/* The operator image reference; the tag defaults to the chart's appVersion. */}}
{{- define "flotilla.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Standard labels of every object. */}}
{{- define "flotilla.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "flotilla.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flotilla
{{- end }}

{{/* Labels that select the operator pods (immutable once installed: keep them stable). */}}
{{- define "flotilla.operatorSelectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Labels of the operator's objects. */}}
{{- define "flotilla.operatorLabels" -}}
{{ include "flotilla.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Labels of the runner RBAC objects. */}}
{{- define "flotilla.runnerLabels" -}}
{{ include "flotilla.labels" . }}
app.kubernetes.io/component: runner
{{- end }}
