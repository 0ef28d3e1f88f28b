// GPU models people name in questions, and how a model name reduces to the key the catalog
// matches on. The key rule is the same as private.gpu_model_key in SQL (migration
// 20261203020000): lower case, without vendor and family words (NVIDIA, AMD, Tesla, GeForce,
// Instinct, Radeon), form factors (PCIe, SXM4, NVL), "Generation" and memory sizes ("80GB"),
// then letters and digits only. So 'A100', 'a100', 'NVIDIA A100', 'NVIDIA A100 80GB PCIe' and
// 'a100-80gb' all have the key 'a100'. A memory size in the name ('A100 80GB') narrows to that
// variant; without one, every variant of the model matches (40 GB and 80 GB A100s alike).

const STRIP = /\b(?:nvidia|amd|tesla|geforce|instinct|radeon|generation|gen|pcie|sxm\d?|nvl|\d+ ?gb|hbm\d?e?)\b/g

/** The catalog's match key of a GPU model name ('NVIDIA A100 80GB' -> 'a100'); null when nothing is left. */
export function gpuModelKey(model: string): string | null {
  const key = model.toLowerCase().replace(STRIP, ' ').replace(/[^a-z0-9]+/g, '')
  return key || null
}

/** The GPU memory a model name states ('A100 80GB' -> 80), else null. */
export function gpuModelMemoryGb(model: string): number | null {
  const m = /(\d+) ?gb\b/i.exec(model)
  return m ? Number(m[1]) : null
}

/** Models the question parser recognises: the display name the answer reports, by key. */
export const GPU_MODELS: Record<string, string> = {
  b200: 'B200', gb200: 'GB200', gh200: 'GH200', h200: 'H200', h100: 'H100', a100: 'A100', a10g: 'A10G', a10: 'A10',
  a40: 'A40', a30: 'A30', l40s: 'L40S', l40: 'L40', l4: 'L4', t4: 'T4', v100: 'V100', p100: 'P100',
  rtx4090: 'RTX 4090', rtx5090: 'RTX 5090', rtx3090: 'RTX 3090', rtx6000ada: 'RTX 6000 Ada', rtx4000ada: 'RTX 4000 Ada',
  rtx2000ada: 'RTX 2000 Ada', rtxa6000: 'RTX A6000', rtxa5000: 'RTX A5000', rtxa4000: 'RTX A4000',
  mi300x: 'MI300X', mi325x: 'MI325X', mi250x: 'MI250X', mi250: 'MI250', mi210: 'MI210',
}
