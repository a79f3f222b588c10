package deploy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// serviceMonitor is the part of the Prometheus Operator's ServiceMonitor
// the manifests use; decoding is strict, so a misspelt field fails.
type serviceMonitor struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		Selector struct {
			MatchLabels map[string]string `json:"matchLabels"`
		} `json:"selector"`
		NamespaceSelector struct {
			MatchNames []string `json:"matchNames"`
		} `json:"namespaceSelector"`
		Endpoints []struct {
			Port          string `json:"port"`
			Path          string `json:"path"`
			Interval      string `json:"interval"`
			ScrapeTimeout string `json:"scrapeTimeout"`
		} `json:"endpoints"`
	} `json:"spec"`
}

// manifests are the decoded objects of deploy/k8s.
type manifests struct {
	deploy  *appsv1.Deployment
	service *corev1.Service
	config  *corev1.ConfigMap
	pdb     *policyv1.PodDisruptionBudget
	monitor *serviceMonitor
}

// decodeManifests strictly decodes every document of the files into the
// Kubernetes API's Go types: an unknown field, a wrong type or an unknown
// kind is an error naming the file and document.
func decodeManifests(files map[string][]byte) (*manifests, error) {
	m := &manifests{}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		dec := yaml.NewDecoder(bytes.NewReader(files[name]))
		for i := 1; ; i++ {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", name, i, err)
			}
			if doc == nil {
				continue
			}
			js, err := sigsyaml.Marshal(doc)
			if err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", name, i, err)
			}
			var target any
			want := ""
			switch kind := doc["kind"]; kind {
			case "Deployment":
				m.deploy, want = &appsv1.Deployment{}, "apps/v1"
				target = m.deploy
			case "Service":
				m.service, want = &corev1.Service{}, "v1"
				target = m.service
			case "ConfigMap":
				m.config, want = &corev1.ConfigMap{}, "v1"
				target = m.config
			case "PodDisruptionBudget":
				m.pdb, want = &policyv1.PodDisruptionBudget{}, "policy/v1"
				target = m.pdb
			case "ServiceMonitor":
				m.monitor, want = &serviceMonitor{}, "monitoring.coreos.com/v1"
				target = m.monitor
			default:
				return nil, fmt.Errorf("%s: document %d: kind %v, expected Deployment, Service, ConfigMap, PodDisruptionBudget or ServiceMonitor", name, i, kind)
			}
			if doc["apiVersion"] != want {
				return nil, fmt.Errorf("%s: document %d: apiVersion %v, expected %s for %v", name, i, doc["apiVersion"], want, doc["kind"])
			}
			if err := sigsyaml.UnmarshalStrict(js, target); err != nil {
				return nil, fmt.Errorf("%s: document %d (%v): %w", name, i, doc["kind"], err)
			}
		}
	}
	return m, nil
}

// readK8s reads every manifest under dir.
func readK8s(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no manifests in %s: %v", dir, err)
	}
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	return files
}

// checkManifests returns every inconsistency between the objects: missing
// objects, selectors that do not select, ports and probes that do not meet.
func checkManifests(m *manifests) []string {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if m.deploy == nil || m.service == nil || m.config == nil || m.pdb == nil || m.monitor == nil {
		return []string{fmt.Sprintf("missing objects: deployment %v, service %v, configmap %v, pdb %v, servicemonitor %v",
			m.deploy != nil, m.service != nil, m.config != nil, m.pdb != nil, m.monitor != nil)}
	}
	pod := m.deploy.Spec.Template
	selects := func(sel, labels map[string]string) bool {
		if len(sel) == 0 {
			return false
		}
		for k, v := range sel {
			if labels[k] != v {
				return false
			}
		}
		return true
	}
	if m.deploy.Spec.Selector == nil || !selects(m.deploy.Spec.Selector.MatchLabels, pod.Labels) {
		bad("deployment: selector does not select its pod template's labels %v", pod.Labels)
	}
	if !selects(m.service.Spec.Selector, pod.Labels) {
		bad("service: selector %v does not select the pods %v", m.service.Spec.Selector, pod.Labels)
	}
	if m.pdb.Spec.Selector == nil || !selects(m.pdb.Spec.Selector.MatchLabels, pod.Labels) {
		bad("poddisruptionbudget: selector does not select the pods %v", pod.Labels)
	}
	if m.pdb.Spec.MinAvailable == nil || m.deploy.Spec.Replicas == nil || int32(m.pdb.Spec.MinAvailable.IntValue()) >= *m.deploy.Spec.Replicas {
		bad("poddisruptionbudget: minAvailable must be below the deployment's replicas, or no node can ever be drained")
	}
	if !selects(m.monitor.Spec.Selector.MatchLabels, m.service.Labels) {
		bad("servicemonitor: selector %v does not select the service's labels %v", m.monitor.Spec.Selector.MatchLabels, m.service.Labels)
	}
	if len(pod.Spec.Containers) != 1 {
		bad("deployment: %d containers, expected 1", len(pod.Spec.Containers))
		return errs
	}
	c := pod.Spec.Containers[0]
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for _, p := range m.service.Spec.Ports {
		if _, ok := ports[p.TargetPort.String()]; !ok && !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.ContainerPort == int32(p.TargetPort.IntValue()) }) {
			bad("service: targetPort %s is no port of the container %v", p.TargetPort.String(), ports)
		}
	}
	for _, e := range m.monitor.Spec.Endpoints {
		if !slices.ContainsFunc(m.service.Spec.Ports, func(sp corev1.ServicePort) bool { return sp.Name == e.Port }) {
			bad("servicemonitor: endpoint port %q is no port of the service", e.Port)
		}
	}
	for name, pr := range map[string]*corev1.Probe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe} {
		if pr == nil || pr.HTTPGet == nil {
			bad("container: no HTTP %s", name)
			continue
		}
		if _, ok := ports[pr.HTTPGet.Port.String()]; !ok {
			bad("container: %s port %s is no container port %v", name, pr.HTTPGet.Port.String(), ports)
		}
	}
	if c.LivenessProbe != nil && c.LivenessProbe.HTTPGet != nil && c.LivenessProbe.HTTPGet.Path != "/healthz" {
		bad("container: livenessProbe path %q, expected /healthz", c.LivenessProbe.HTTPGet.Path)
	}
	if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		bad("container: readinessProbe path %q, expected /readyz", c.ReadinessProbe.HTTPGet.Path)
	}
	mounted := false
	for _, vm := range c.VolumeMounts {
		for _, v := range pod.Spec.Volumes {
			if v.Name == vm.Name && v.ConfigMap != nil && v.ConfigMap.Name == m.config.Name && strings.Contains(strings.Join(c.Args, " "), filepath.Join(vm.MountPath, "mlbot.yml")) {
				mounted = true
			}
		}
	}
	if !mounted {
		bad("container: the ConfigMap %q is not mounted where --config points (%v)", m.config.Name, c.Args)
	}
	if _, ok := m.config.Data["mlbot.yml"]; !ok {
		bad("configmap: no mlbot.yml key")
	}
	for _, e := range c.Env {
		if e.Value != "" && strings.Contains(strings.ToLower(e.Name), "token") {
			bad("container: %s is a literal; secrets come from secretKeyRef", e.Name)
		}
	}
	if sc := pod.Spec.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		bad("pod: runAsNonRoot is not set")
	}
	return errs
}

func TestK8sManifests(t *testing.T) {
	m, err := decodeManifests(readK8s(t, "k8s"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range checkManifests(m) {
		t.Error(e)
	}
}

// TestK8sManifestsCanFail breaks copies of the manifests in ways the
// checks must catch.
func TestK8sManifestsCanFail(t *testing.T) {
	cases := []struct {
		file, old, new, want string
	}{
		{"deployment.yaml", "containerPort: 8080", "containerPorts: 8080", "unknown field"},
		{"deployment.yaml", "replicas: 2", "replicas: two", "cannot unmarshal"},
		{"deployment.yaml", "path: /readyz", "path: /ready", "readinessProbe path"},
		{"deployment.yaml", "httpGet: {path: /healthz, port: http}", "httpGet: {path: /healthz, port: web}", "livenessProbe port web"},
		{"service.yaml", "targetPort: http", "targetPort: 9090", "targetPort 9090"},
		{"service.yaml", "  selector:\n    app.kubernetes.io/name: mlbot", "  selector:\n    app.kubernetes.io/name: mlbot-v2", "service: selector"},
		{"servicemonitor.yaml", "- port: http", "- port: metrics", `endpoint port "metrics"`},
		{"pdb.yaml", "minAvailable: 1", "minAvailable: 2", "minAvailable must be below"},
		{"pdb.yaml", "apiVersion: policy/v1", "apiVersion: policy/v1beta1", "apiVersion policy/v1beta1"},
		{"configmap.yaml", "kind: ConfigMap", "kind: ConfigMapp", "kind ConfigMapp"},
	}
	orig := readK8s(t, "k8s")
	for _, tc := range cases {
		t.Run(tc.file+"/"+tc.new, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range orig {
				files[k] = v
			}
			broken := strings.Replace(string(orig[tc.file]), tc.old, tc.new, 1)
			if broken == string(orig[tc.file]) {
				t.Fatalf("%q not found in %s", tc.old, tc.file)
			}
			files[tc.file] = []byte(broken)
			var got []string
			m, err := decodeManifests(files)
			if err != nil {
				got = []string{err.Error()}
			} else {
				got = checkManifests(m)
			}
			if !slices.ContainsFunc(got, func(e string) bool { return strings.Contains(e, tc.want) }) {
				t.Fatalf("want an error containing %q, got %q", tc.want, got)
			}
		})
	}
}
