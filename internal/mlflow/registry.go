package mlflow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// The model registry's routes (model_registry.proto's ModelRegistryService),
// under the tracking URI.
const (
	pathAlias         = "/api/2.0/mlflow/registered-models/alias" // GET, POST and DELETE
	pathModelGet      = "/api/2.0/mlflow/registered-models/get"
	pathModelUpdate   = "/api/2.0/mlflow/registered-models/update"
	pathVersionGet    = "/api/2.0/mlflow/model-versions/get"
	pathVersionUpdate = "/api/2.0/mlflow/model-versions/update"
	pathVersionSetTag = "/api/2.0/mlflow/model-versions/set-tag"
	pathVersionDelTag = "/api/2.0/mlflow/model-versions/delete-tag"
)

// RegisteredModel is the part of MLflow's RegisteredModel message mlgate
// uses.
type RegisteredModel struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Tags        []Tag   `json:"tags,omitempty"`
	Aliases     []Alias `json:"aliases,omitempty"`
}

// Alias is a RegisteredModelAlias: a name pointing at a version.
type Alias struct {
	Alias   string `json:"alias"`
	Version string `json:"version"`
}

// VersionByAlias returns the model version models:/name@alias points at
// (GetModelVersionByAlias); ErrNotFound when the model or alias does not
// exist.
func (c *Client) VersionByAlias(ctx context.Context, name, alias string) (*ModelVersion, error) {
	var r struct {
		ModelVersion ModelVersion `json:"model_version"`
	}
	if err := c.get(ctx, pathAlias, url.Values{"name": {name}, "alias": {alias}}, &r); err != nil {
		return nil, fmt.Errorf("mlflow models:/%s@%s: %w", name, alias, err)
	}
	return &r.ModelVersion, nil
}

// ModelVersion returns version of the registered model name
// (GetModelVersion); ErrNotFound when either does not exist.
func (c *Client) ModelVersion(ctx context.Context, name, version string) (*ModelVersion, error) {
	var r struct {
		ModelVersion ModelVersion `json:"model_version"`
	}
	if err := c.get(ctx, pathVersionGet, url.Values{"name": {name}, "version": {version}}, &r); err != nil {
		return nil, fmt.Errorf("mlflow model %s version %s: %w", name, version, err)
	}
	return &r.ModelVersion, nil
}

// RegisteredModel returns the registered model name (GetRegisteredModel);
// ErrNotFound when it does not exist.
func (c *Client) RegisteredModel(ctx context.Context, name string) (*RegisteredModel, error) {
	var r struct {
		RegisteredModel RegisteredModel `json:"registered_model"`
	}
	if err := c.get(ctx, pathModelGet, url.Values{"name": {name}}, &r); err != nil {
		return nil, fmt.Errorf("mlflow model %s: %w", name, err)
	}
	return &r.RegisteredModel, nil
}

// SetAlias points models:/name@alias at version (SetRegisteredModelAlias),
// moving it from whichever version held it.
func (c *Client) SetAlias(ctx context.Context, name, alias, version string) error {
	body := map[string]string{"name": name, "alias": alias, "version": version}
	if err := c.call(ctx, http.MethodPost, pathAlias, nil, body, nil); err != nil {
		return fmt.Errorf("mlflow set models:/%s@%s to version %s: %w", name, alias, version, err)
	}
	return nil
}

// DeleteAlias removes models:/name@alias (DeleteRegisteredModelAlias).
func (c *Client) DeleteAlias(ctx context.Context, name, alias string) error {
	body := map[string]string{"name": name, "alias": alias}
	if err := c.call(ctx, http.MethodDelete, pathAlias, nil, body, nil); err != nil {
		return fmt.Errorf("mlflow delete models:/%s@%s: %w", name, alias, err)
	}
	return nil
}

// SetVersionTag sets the tag key of a model version to value
// (SetModelVersionTag), replacing an earlier value.
func (c *Client) SetVersionTag(ctx context.Context, name, version, key, value string) error {
	body := map[string]string{"name": name, "version": version, "key": key, "value": value}
	if err := c.call(ctx, http.MethodPost, pathVersionSetTag, nil, body, nil); err != nil {
		return fmt.Errorf("mlflow model %s version %s: set tag %s: %w", name, version, key, err)
	}
	return nil
}

// DeleteVersionTag removes the tag key of a model version
// (DeleteModelVersionTag).
func (c *Client) DeleteVersionTag(ctx context.Context, name, version, key string) error {
	body := map[string]string{"name": name, "version": version, "key": key}
	if err := c.call(ctx, http.MethodDelete, pathVersionDelTag, nil, body, nil); err != nil {
		return fmt.Errorf("mlflow model %s version %s: delete tag %s: %w", name, version, key, err)
	}
	return nil
}

// UpdateVersionDescription replaces a model version's description
// (UpdateModelVersion).
func (c *Client) UpdateVersionDescription(ctx context.Context, name, version, description string) error {
	body := map[string]string{"name": name, "version": version, "description": description}
	if err := c.call(ctx, http.MethodPatch, pathVersionUpdate, nil, body, nil); err != nil {
		return fmt.Errorf("mlflow model %s version %s: update description: %w", name, version, err)
	}
	return nil
}

// UpdateModelDescription replaces a registered model's description
// (UpdateRegisteredModel).
func (c *Client) UpdateModelDescription(ctx context.Context, name, description string) error {
	body := map[string]string{"name": name, "description": description}
	if err := c.call(ctx, http.MethodPatch, pathModelUpdate, nil, body, nil); err != nil {
		return fmt.Errorf("mlflow model %s: update description: %w", name, err)
	}
	return nil
}
