#!/usr/bin/env bash
# Regenerates imports/ offline from the CRD files kept in the repository's crds/ folder
# (unmodified upstream copies; crds/SOURCES.md names their releases). CRDS_DIR=<folder>
# reads the same file names from another folder instead.
# Users with network can instead run `npx cdk8s import` with the pinned URLs in cdk8s.yaml.
# cdk8s import reads only the first file of a command line and writes one file per API
# group, so each CRD is imported on its own, under a prefix of its own. --no-save keeps it
# from appending the local (absolute) file paths to the `imports` of cdk8s.yaml, which
# lists the pinned upstream URLs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
crds=${CRDS_DIR:-$here/crds}
cd "$here"
npx cdk8s import --no-check-upgrade --no-save --language typescript --output imports \
  "prometheusrule:=$crds/monitoring.coreos.com_prometheusrules.yaml"
npx cdk8s import --no-check-upgrade --no-save --language typescript --output imports \
  "servicemonitor:=$crds/monitoring.coreos.com_servicemonitors.yaml"
npx cdk8s import --no-check-upgrade --no-save --language typescript --output imports \
  "vpa:=$crds/vpa-v1-crd-gen.yaml"
npx cdk8s import --no-check-upgrade --no-save --language typescript --output imports \
  "keda:=$crds/keda.sh_scaledobjects.yaml"
npx cdk8s import --no-check-upgrade --no-save --language typescript --output imports \
  "provreq:=$crds/autoscaling.x-k8s.io_provisioningrequests.yaml"
