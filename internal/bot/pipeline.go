package bot

import "time"

// PipelineEvent is a pipeline status webhook.
type PipelineEvent struct {
	Source      string // gitlab, github
	DeliveryKey string
	Backend     string
	ExternalID  int64
	Status      string
	Now         time.Time
}
