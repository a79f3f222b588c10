package store

import (
	"context"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// RecentAlerts returns the newest alerts first (for /mlops status).
func (d *DB) RecentAlerts(ctx context.Context, limit int) ([]bot.Alert, error) {
	rows, err := d.db.QueryContext(ctx, d.q(`SELECT id FROM alerts ORDER BY id DESC LIMIT ?`), limitOr(limit))
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list alerts: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	out := make([]bot.Alert, 0, len(ids))
	for _, id := range ids {
		a, err := d.GetAlert(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
