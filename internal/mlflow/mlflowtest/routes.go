package mlflowtest

import (
	"fmt"
	"net/http"
	"reflect"
	"sort"
)

// The messages below carry the names of model_registry.proto's messages;
// their JSON names are its field names (proto_test.go checks both), and
// `mlflow:"required"` marks the fields the proto marks validate_required.

// ModelVersion is the proto's ModelVersion.
type ModelVersion struct {
	Name        string            `json:"name"`
	Version     string            `json:"version"`
	Description string            `json:"description,omitempty"`
	RunID       string            `json:"run_id,omitempty"`
	Tags        []ModelVersionTag `json:"tags,omitempty"`
	Aliases     []string          `json:"aliases,omitempty"`
}

// ModelVersionTag is the proto's ModelVersionTag.
type ModelVersionTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// RegisteredModel is the proto's RegisteredModel.
type RegisteredModel struct {
	Name        string                 `json:"name"`
	Description string                 `json:"description,omitempty"`
	Aliases     []RegisteredModelAlias `json:"aliases,omitempty"`
}

// RegisteredModelAlias is the proto's RegisteredModelAlias.
type RegisteredModelAlias struct {
	Alias   string `json:"alias"`
	Version string `json:"version"`
}

// GetModelVersionByAlias and the types after it are the proto's request
// messages, each with its Response.
type GetModelVersionByAlias struct {
	Name  string `json:"name" mlflow:"required"`
	Alias string `json:"alias" mlflow:"required"`
}

type modelVersionResponse struct {
	ModelVersion ModelVersion `json:"model_version"`
}

type registeredModelResponse struct {
	RegisteredModel RegisteredModel `json:"registered_model"`
}

type emptyResponse struct{}

// SetRegisteredModelAlias is the proto's message of the same name.
type SetRegisteredModelAlias struct {
	Name    string `json:"name" mlflow:"required"`
	Alias   string `json:"alias" mlflow:"required"`
	Version string `json:"version" mlflow:"required"`
}

// DeleteRegisteredModelAlias is the proto's message of the same name.
type DeleteRegisteredModelAlias struct {
	Name  string `json:"name" mlflow:"required"`
	Alias string `json:"alias" mlflow:"required"`
}

// GetModelVersion is the proto's message of the same name.
type GetModelVersion struct {
	Name    string `json:"name" mlflow:"required"`
	Version string `json:"version" mlflow:"required"`
}

// UpdateModelVersion is the proto's message of the same name.
type UpdateModelVersion struct {
	Name        string  `json:"name" mlflow:"required"`
	Version     string  `json:"version" mlflow:"required"`
	Description *string `json:"description"`
}

// SetModelVersionTag is the proto's message of the same name.
type SetModelVersionTag struct {
	Name    string `json:"name" mlflow:"required"`
	Version string `json:"version" mlflow:"required"`
	Key     string `json:"key" mlflow:"required"`
	Value   string `json:"value" mlflow:"required"`
}

// DeleteModelVersionTag is the proto's message of the same name.
type DeleteModelVersionTag struct {
	Name    string `json:"name" mlflow:"required"`
	Version string `json:"version" mlflow:"required"`
	Key     string `json:"key" mlflow:"required"`
}

// GetRegisteredModel is the proto's message of the same name.
type GetRegisteredModel struct {
	Name string `json:"name" mlflow:"required"`
}

// UpdateRegisteredModel is the proto's message of the same name.
type UpdateRegisteredModel struct {
	Name        string  `json:"name" mlflow:"required"`
	Description *string `json:"description"`
}

// route is one endpoint of the fake: the proto's rpc it serves, the Go
// types of its request and response, and whether GitLab serves it too.
type route struct {
	method, path string // path as the proto spells it: /mlflow/...
	req, resp    reflect.Type
	gitlab       bool
	handle       func(r *Registry, in any) (any, *apiError)
}

func findRoute(method, path string) *route {
	for i := range routes {
		if routes[i].method == method && routes[i].path == path {
			return &routes[i]
		}
	}
	return nil
}

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// routes are the endpoints of model_registry.proto the fake serves. GitLab's
// compatibility layer (lib/api/ml/mlflow in GitLab) has registered-models
// get and update, model-versions get and update, and GET
// registered-models/alias, whose "alias" is a version name there.
var routes = []route{
	{http.MethodGet, "/mlflow/registered-models/alias", typeOf[GetModelVersionByAlias](), typeOf[modelVersionResponse](), true, getByAlias},
	{http.MethodPost, "/mlflow/registered-models/alias", typeOf[SetRegisteredModelAlias](), typeOf[emptyResponse](), false, setAlias},
	{http.MethodDelete, "/mlflow/registered-models/alias", typeOf[DeleteRegisteredModelAlias](), typeOf[emptyResponse](), false, deleteAlias},
	{http.MethodGet, "/mlflow/model-versions/get", typeOf[GetModelVersion](), typeOf[modelVersionResponse](), true, getVersion},
	{http.MethodPatch, "/mlflow/model-versions/update", typeOf[UpdateModelVersion](), typeOf[modelVersionResponse](), true, updateVersion},
	{http.MethodPost, "/mlflow/model-versions/set-tag", typeOf[SetModelVersionTag](), typeOf[emptyResponse](), false, setTag},
	{http.MethodDelete, "/mlflow/model-versions/delete-tag", typeOf[DeleteModelVersionTag](), typeOf[emptyResponse](), false, deleteTag},
	{http.MethodGet, "/mlflow/registered-models/get", typeOf[GetRegisteredModel](), typeOf[registeredModelResponse](), true, getModel},
	{http.MethodPatch, "/mlflow/registered-models/update", typeOf[UpdateRegisteredModel](), typeOf[registeredModelResponse](), true, updateModel},
}

func (r *Registry) find(name, ver string) (*model, *version, *apiError) {
	m := r.models[name]
	if m == nil {
		return nil, nil, notFound("Registered Model with name=%s not found", name)
	}
	if ver == "" {
		return m, nil, nil
	}
	v := m.versions[ver]
	if v == nil {
		return nil, nil, notFound("Model Version (name=%s, version=%s) not found", name, ver)
	}
	return m, v, nil
}

func (r *Registry) versionMessage(name, ver string) ModelVersion {
	m := r.models[name]
	v := m.versions[ver]
	mv := ModelVersion{Name: name, Version: ver, Description: v.description}
	keys := make([]string, 0, len(v.tags))
	for k := range v.tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mv.Tags = append(mv.Tags, ModelVersionTag{k, v.tags[k]})
	}
	for a, to := range m.aliases {
		if to == ver {
			mv.Aliases = append(mv.Aliases, a)
		}
	}
	sort.Strings(mv.Aliases)
	return mv
}

func getByAlias(r *Registry, in any) (any, *apiError) {
	q := in.(*GetModelVersionByAlias)
	m, _, err := r.find(q.Name, "")
	if err != nil {
		return nil, err
	}
	ver := m.aliases[q.Alias]
	if r.opts.GitLab {
		ver = q.Alias // GitLab looks the "alias" up as a version name
	}
	if r.opts.GitLab && m.versions[ver] == nil {
		return nil, notFound("Model version not found")
	}
	if m.versions[ver] == nil {
		// What MLflow's file and SQL stores answer for an alias nobody
		// holds: INVALID_PARAMETER_VALUE, HTTP 400.
		return nil, &apiError{http.StatusBadRequest, "INVALID_PARAMETER_VALUE", fmt.Sprintf("Registered model alias %s not found.", q.Alias)}
	}
	return modelVersionResponse{r.versionMessage(q.Name, ver)}, nil
}

func setAlias(r *Registry, in any) (any, *apiError) {
	q := in.(*SetRegisteredModelAlias)
	m, _, err := r.find(q.Name, q.Version)
	if err != nil {
		return nil, err
	}
	m.aliases[q.Alias] = q.Version
	return emptyResponse{}, nil
}

func deleteAlias(r *Registry, in any) (any, *apiError) {
	q := in.(*DeleteRegisteredModelAlias)
	m, _, err := r.find(q.Name, "")
	if err != nil {
		return nil, err
	}
	delete(m.aliases, q.Alias)
	return emptyResponse{}, nil
}

func getVersion(r *Registry, in any) (any, *apiError) {
	q := in.(*GetModelVersion)
	if _, _, err := r.find(q.Name, q.Version); err != nil {
		return nil, err
	}
	return modelVersionResponse{r.versionMessage(q.Name, q.Version)}, nil
}

func updateVersion(r *Registry, in any) (any, *apiError) {
	q := in.(*UpdateModelVersion)
	_, v, err := r.find(q.Name, q.Version)
	if err != nil {
		return nil, err
	}
	if q.Description != nil {
		v.description = *q.Description
	}
	return modelVersionResponse{r.versionMessage(q.Name, q.Version)}, nil
}

func setTag(r *Registry, in any) (any, *apiError) {
	q := in.(*SetModelVersionTag)
	_, v, err := r.find(q.Name, q.Version)
	if err != nil {
		return nil, err
	}
	v.tags[q.Key] = q.Value
	return emptyResponse{}, nil
}

func deleteTag(r *Registry, in any) (any, *apiError) {
	q := in.(*DeleteModelVersionTag)
	_, v, err := r.find(q.Name, q.Version)
	if err != nil {
		return nil, err
	}
	if _, ok := v.tags[q.Key]; !ok {
		return nil, notFound("No tag with name: %s found for model version (name=%s, version=%s)", q.Key, q.Name, q.Version)
	}
	delete(v.tags, q.Key)
	return emptyResponse{}, nil
}

func (r *Registry) modelMessage(name string) RegisteredModel {
	m := r.models[name]
	rm := RegisteredModel{Name: name, Description: m.description}
	for a, v := range m.aliases {
		rm.Aliases = append(rm.Aliases, RegisteredModelAlias{a, v})
	}
	sort.Slice(rm.Aliases, func(i, j int) bool { return rm.Aliases[i].Alias < rm.Aliases[j].Alias })
	return rm
}

func getModel(r *Registry, in any) (any, *apiError) {
	q := in.(*GetRegisteredModel)
	if _, _, err := r.find(q.Name, ""); err != nil {
		return nil, err
	}
	return registeredModelResponse{r.modelMessage(q.Name)}, nil
}

func updateModel(r *Registry, in any) (any, *apiError) {
	q := in.(*UpdateRegisteredModel)
	m, _, err := r.find(q.Name, "")
	if err != nil {
		return nil, err
	}
	if q.Description != nil {
		m.description = *q.Description
	}
	return registeredModelResponse{r.modelMessage(q.Name)}, nil
}
