"""Encoder recipe: ModernCamemBERT-bio continued pretraining (CLM detour, then MLM) on packed token shards."""
