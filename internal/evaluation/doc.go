// Package evaluation is the offline evaluation of a model (`gate-runner
// metrics`): it computes its scores from raw predictions and labels,
// ranking metrics with trec_eval's semantics, classification metrics with
// scikit-learn's, and regression metrics with scikit-learn's. (Scores read
// from a file are scorefile's; the bot's Prometheus instrumentation and
// the OpenMetrics output are other things again.)
//
// # Ranking
//
// Predictions are rows (user_id, item_id, score) and labels are rows
// (user_id, item_id[, relevance]); relevance defaults to 1. They are read
// from CSV, TSV, JSON Lines or Parquet (optionally gzipped) through
// internal/dataset, with a fast dedicated path for plain (unquoted) CSV, or
// from the TREC formats, chosen by extension or, for a name no table
// reader claims, by the first line: a run file (.run, .trec,
// .res: "qid Q0 docno rank score tag"; fields after the sixth are ignored,
// as trec_eval ignores them) for predictions and a qrels file (.qrels:
// "qid iter docno rel", exactly four fields, as trec_eval requires) for
// labels, so trec_eval's own files work as they are. A query is a user
// and a document an item.
//
// The semantics are those of trec_eval 9.0.8 with its default options
// (relevance_level 1, no -c, no -J, no -M), checked against its output in
// this package's tests:
//
//   - Each user's predictions are ranked by score descending; ties are
//     broken by item id descending in byte (strcmp) order. The rank column
//     of a run file is ignored, as trec_eval ignores it. Scores are compared
//     as float64 values.
//   - An item is relevant when its relevance is > 0 (trec_eval's -l 1).
//     Labelled items with relevance 0 are judged non-relevant; items
//     without a label are non-relevant.
//   - Fewer than K predictions count as non-relevant ranks: precision@K
//     always divides by K.
//   - precision@K = relevant items in the top K / K (trec_eval P_K).
//   - recall@K = relevant items in the top K / relevant items (recall_K).
//   - ndcg@K = DCG@K / IDCG@K with gain = the relevance value (linear) and
//     discount log2(rank+1); the ideal ranking sorts all of the user's
//     relevant labels by relevance descending (ndcg_cut_K).
//   - map@K = the sum of precision at each relevant rank <= K divided by
//     the number of relevant items (map_cut_K).
//   - map = the same over the whole ranking, with no cutoff (trec_eval's
//     map, its default measure; trec_eval reads every line of a run
//     unless -M limits it). It equals map@K for any K at least as long
//     as every user's ranking.
//   - hit_rate@K = 1 when at least one relevant item is in the top K, else
//     0 (trec_eval's success_K).
//   - mrr = 1 / rank of the first relevant item over the whole ranking, 0
//     when none is retrieved (recip_rank; no cutoff).
//   - A user whose labels have no relevant item gets 0 for every metric
//     and IS counted in the means, as trec_eval counts it.
//
// Means are taken over the users that appear in both the predictions and
// the labels (trec_eval without -c). Users with labels but no predictions
// are left out of the means (trec_eval 9.0.8 skips them; trec_eval 10.0
// stops with "result qid not found in qrels" instead); users with
// predictions but no labels are left out too. The Counts of a Result
// report users_evaluated, users_without_predictions, users_without_labels
// and users_without_relevant (evaluated users with no relevant label).
//
// coverage@K is the share of the catalogue that appears in at least one
// user's top K, over every user of the predictions (labelled or not); the
// catalogue is the set of distinct item ids in labels and predictions
// together. trec_eval has no such measure.
//
// A user that lists the same item twice in the predictions is an error,
// as in trec_eval ("duplicate docs"); so is a repeated (user, item) pair in
// the labels. Relevance must be an integer (trec_eval reads it with atol);
// negative relevance marks a judged-unjudged document in trec_eval and is
// treated as non-relevant.
//
// Memory: user and item ids are interned to int32 once; labels are held
// in compact arrays. Predictions whose rows come grouped by user (as every
// TREC run and most exported top-K lists are) are evaluated user by user in
// a streaming pass with reused buffers; otherwise the rows are held as
// (user, item, score, row, line) records of 24 bytes and grouped in
// memory. TREC files are split into fields and parsed by a second
// goroutine while the first evaluates; 1M users x top-100 (100M rows) took
// 36 s of CPU and 640 MB here (bench/bench-metrics.sh).
//
// # Classification
//
// Predictions have an id column (the first of "id", "row_id", "user_id")
// and a score column (the first of "score", "probability", "proba",
// "prediction"): the probability of class 1. Labels have an id column and
// "label" or "target" with values 0 or 1 (also "true"/"false"). Rows are
// joined by id; an id on one side only, or twice on one side, is an error
// naming the file, row and id. accuracy, precision,
// recall and f1 use score >= Threshold (default 0.5) as class 1, and are 0
// when undefined (scikit-learn's zero_division=0 with a warning noted);
// roc_auc is the area under the ROC curve with ties handled as
// sklearn.metrics.roc_auc_score (left out, with a note, when the labels
// hold one class); pr_auc is
// sklearn.metrics.average_precision_score; log_loss is
// sklearn.metrics.log_loss with probabilities clipped to [eps, 1-eps],
// eps = the float64 machine epsilon (scikit-learn's eps="auto" for float64
// input).
//
// # Regression
//
// Predictions have the id column and "prediction" or "score"; labels the
// id column and "target" or "label" with any real value. rmse, mae and r2
// follow scikit-learn; mape is sklearn.metrics.mean_absolute_percentage_error:
// mean(|y - p| / max(|y|, eps)) with eps the float64 machine epsilon, so a
// zero target gives a huge term rather than a division by zero. r2 is 1
// when the targets are constant and predicted exactly, else 0 for constant
// targets (scikit-learn's force_finite).
//
// The task is detected from the labels when Input.Task is empty: a
// relevance/item_id column or a .qrels file means ranking; a label column
// whose values are all 0/1 means classification; anything else regression.
package evaluation
