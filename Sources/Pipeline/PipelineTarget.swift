/// Pipeline files, planner, runner, resume, sharding and cluster scripts (DESIGN.md §2 `Pipeline`).
enum PipelineTarget {}
