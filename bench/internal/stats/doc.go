// Package stats holds the few summaries the benchmark reports: medians,
// spreads and percentiles of measured values.
package stats
