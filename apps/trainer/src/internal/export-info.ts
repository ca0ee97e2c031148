/** What `infomax export` records beside the model (`export.json`), and the README written from it. */

/** One output of the exported model. */
export interface ExportedOutput {
  /** Position in the model's outputs (`model.predict` returns them in this order). */
  index: number;
  /** The model's name for it (an inner layer's name). */
  name: string;
  /** The encoder outputs it is: `local`, `global`, `conv`, `fc`, `code` (one tensor may be several). */
  taps: string[];
  /** `[null, ...]`: null is the batch. */
  shape: Array<number | null>;
}

/** The contents of `export.json`. */
export interface ExportInfo {
  format: 'infomax-encoder-export/1';
  /** The run folder exported. */
  run: string;
  /** Step of the checkpoint exported. */
  step: number;
  /** Objective kind (`dim`, `cmc`, `cpc`). */
  objective: string;
  /** The encoder's config, as `buildEncoder` takes it. */
  encoder: Record<string, unknown>;
  /** What the model takes. */
  input: {
    /** The model's input, `[null, ...]` (for the CPC patch encoder: a patch grid). */
    shape: Array<number | null>;
    /** The run's images `[height, width, channels]`. */
    imageShape: number[];
    dtype: 'float32';
    layout: 'NHWC';
    /** What the trainer does to pixels before the encoder. */
    normalisation: string;
  };
  outputs: ExportedOutput[];
  /**
   * The output that equals the run's representation (`infomax embed`'s `code`): `global`, or
   * null when the objective computes it through views first (CMC's Lab split, CPC's patch grid).
   */
  code: 'global' | null;
  /** Classes of @infomax/encoders the model still uses (import '@infomax/encoders' before loading it). */
  customLayers: string[];
  /** The weights, in model.json's and encoder.safetensors' order. */
  weights: Array<{ name: string; shape: number[] }>;
}

/**
 * A README for an export folder: how to load it in JavaScript and Python, inputs and outputs.
 * @example
 * await fsp.writeFile('export/README.md', exportReadme(info));
 */
export function exportReadme(info: ExportInfo): string {
  const shape = (s: Array<number | null>) => `[${s.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;
  const code =
    info.code === null
      ? `The run's representation (\`code\`) goes through the ${info.objective} objective's views first: use \`infomax embed\` for it.`
      : `The run's representation (\`code\`, what \`infomax embed\` writes) is the \`${info.code}\` output.`;
  return [
    `# Encoder of ${info.run}, step ${info.step}`,
    '',
    `Objective ${info.objective}, encoder ${String(info.encoder.kind ?? '?')}. Exported by \`infomax export\`.`,
    '',
    '| file | what |',
    '|---|---|',
    "| model.json + weights.*.bin | tfjs layers model: `await tf.loadLayersModel('file://…/model.json')` (tfjs-node), or any IOHandler |",
    '| encoder.safetensors | the same weights (tfjs names; dense kernels [in, out], conv kernels [height, width, in, out]) |',
    '| export.json | this description, as data |',
    '',
    `Input: float32 ${shape(info.input.shape)}, NHWC; images ${info.input.imageShape.join('×')}; ${info.input.normalisation}.`,
    '',
    '| output | taps | shape |',
    '|---|---|---|',
    ...info.outputs.map((o) => `| ${o.index} \`${o.name}\` | ${o.taps.join(', ')} | ${shape(o.shape)} |`),
    '',
    code,
    ...(info.customLayers.length > 0
      ? ['', `Custom layers (${info.customLayers.join(', ')}): \`import '@infomax/encoders'\` before loading.`]
      : []),
    '',
  ].join('\n');
}
