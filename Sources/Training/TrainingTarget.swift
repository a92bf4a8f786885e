/// Training loop, metrics, cross-validation and reports (DESIGN.md §2 `Training`).
enum TrainingTarget {}
