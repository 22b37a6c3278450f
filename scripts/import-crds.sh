#!/usr/bin/env bash
# Regenerates imports/ from the CRD files in ../shared/crds (offline).
# Users with network can instead run `npx cdk8s import` with the pinned URLs in cdk8s.yaml.
# cdk8s import reads only the first file of a command line and writes one file per API
# group, so each CRD is imported on its own, under a prefix of its own.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
crds=${CRDS_DIR:-$here/../shared/crds}
cd "$here"
npx cdk8s import --no-check-upgrade --language typescript --output imports \
  "prometheusrule:=$crds/monitoring.coreos.com_prometheusrules.yaml"
npx cdk8s import --no-check-upgrade --language typescript --output imports \
  "servicemonitor:=$crds/monitoring.coreos.com_servicemonitors.yaml"
npx cdk8s import --no-check-upgrade --language typescript --output imports \
  "vpa:=$crds/vpa-v1-crd-gen.yaml"
npx cdk8s import --no-check-upgrade --language typescript --output imports \
  "keda:=$crds/keda.sh_scaledobjects.yaml"
