"""The answer pipeline: normalise -> detect language -> route -> retrieve -> fuse -> assess -> compose or hand off."""
