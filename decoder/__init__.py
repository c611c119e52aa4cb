"""Decoder recipe: continued pretraining, SFT with DoRA, model merging and MCQ evaluation on packed shards."""
