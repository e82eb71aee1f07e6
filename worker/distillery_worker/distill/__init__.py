"""On-policy distillation (issue #20): the student acts in the sandbox, the teacher scores every
token it wrote, and the student moves towards the teacher by per-token reverse KL. The workbench
runs the episodes and the model servers; this package does one round's scoring and update."""
