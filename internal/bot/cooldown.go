package bot

import "time"

// Cooldown is the answer of TakeCooldown.
type Cooldown struct {
	// Taken is true when this job now holds the model's cooldown.
	Taken bool
	// HolderJob and Until describe the cooldown that blocks it otherwise.
	HolderJob int64
	Until     time.Time
}

// ActiveCooldown is a model's retraining cooldown that has not ended.
type ActiveCooldown struct {
	Model string
	JobID int64
	Until time.Time
}
