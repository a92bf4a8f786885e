/// The neural-network engine on OpenBLAS (DESIGN.md §2): tensors, layers, optimizers, safetensors.
enum NNModule {}
