#!/usr/bin/env bash
# Trains the shipped base model models/base-unet-s from scratch on the synthetic scene (seed 42), exactly as committed.
# Usage: scripts/train-base-model.sh [work dir]   (about 30 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-.fair/base-model}
port=18642
mkdir -p "$work"
node bin/fair.js tiles serve-synthetic --seed 42 --port "$port" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 3
bbox=36.78840637207031,-1.3045137436059036,36.797332763671875,-1.2955896497660804
curl -sf "http://127.0.0.1:$port/buildings.geojson?bbox=$bbox" -o "$work/buildings.geojson"
FAIR_ALLOW_PRIVATE_NETWORK=1 node bin/fair.js dataset prepare --imagery "http://127.0.0.1:$port/tilejson.json" \
  --aoi "$bbox" --labels "$work/buildings.geojson" --zoom 19 --mask multi --out "$work/dataset"
node bin/fair.js train --dataset "$work/dataset" --out "$work/model" --model unet-s --base none --epochs 25 \
  --batch-size 8 --lr 0.001 --seed 42 --threads 2 --name base-unet-s-synthetic
mkdir -p models/base-unet-s
cp "$work/model/model.onnx" "$work/model/model.json" "$work/model/metrics.json" "$work/model/history.png" models/base-unet-s/
cp "$work/model/checkpoint.best.safetensors" models/base-unet-s/checkpoint.safetensors
echo "base model written to models/base-unet-s"
