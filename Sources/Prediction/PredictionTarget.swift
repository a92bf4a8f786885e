/// Tiled wall-to-wall prediction and the map writer (DESIGN.md §2 `Prediction`).
enum PredictionTarget {}
