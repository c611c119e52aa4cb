"""Source manifests shipped with biomedfr: one YAML file per source (installed as ``curation.manifests``)."""
