// Writes ONNX models with no library: the few protobuf messages of onnx.proto a dense classifier
// needs, encoded by hand. Field numbers are those of onnx.proto (ONNX 1.12, IR version 8).

const VARINT = 0;
const LENGTH_DELIMITED = 2;

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT

/** A protobuf varint; `value` is a non-negative integer below 2^53. */
function varint(value) {
  const bytes = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function tag(field, wireType) {
  return varint(field * 8 + wireType);
}

function intField(field, value) {
  return Buffer.concat([tag(field, VARINT), varint(value)]);
}

/** A length-delimited field: bytes, a string, or an encoded sub-message (an array of fields). */
function bytesField(field, value) {
  const body = Array.isArray(value) ? Buffer.concat(value) : Buffer.from(value);
  return Buffer.concat([tag(field, LENGTH_DELIMITED), varint(body.length), body]);
}

/** TensorProto: a float32 initializer with its bytes little-endian in raw_data. */
function floatTensor(name, dims, values) {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return [...dims.map((d) => intField(1, d)), intField(2, FLOAT), bytesField(8, name), bytesField(9, raw)];
}

/** ValueInfoProto of a float tensor; a string dimension is symbolic (the batch size). */
function floatValueInfo(name, dims) {
  const shape = dims.map((d) => bytesField(1, [typeof d === 'string' ? bytesField(2, d) : intField(1, d)]));
  const tensorType = [intField(1, FLOAT), bytesField(2, [Buffer.concat(shape)])];
  return [bytesField(1, name), bytesField(2, [bytesField(1, tensorType)])];
}

/** NodeProto; `attributes` maps names to integers (all this model needs). */
function node(opType, inputs, outputs, attributes = {}) {
  const fields = [
    ...inputs.map((input) => bytesField(1, input)),
    ...outputs.map((output) => bytesField(2, output)),
    bytesField(3, `${opType.toLowerCase()}_${outputs[0]}`),
    bytesField(4, opType),
  ];
  for (const [name, value] of Object.entries(attributes)) {
    fields.push(bytesField(5, [bytesField(1, name), intField(3, value), intField(20, ATTRIBUTE_INT)]));
  }
  return fields;
}

/**
 * Encodes a linear softmax classifier as an ONNX model: `probabilities = Softmax(x · weights + bias)`
 * with x the `float_input` tensor [N, features]. `weights` is row-major [features, classes].
 * `metadata` becomes the model's metadata_props (string values).
 */
export function encodeSoftmaxClassifier({ features, classes, weights, bias, metadata = {}, producer }) {
  if (weights.length !== features * classes || bias.length !== classes) {
    throw new Error(`weights must hold ${features}×${classes} values and bias ${classes}`);
  }
  const graph = [
    bytesField(1, node('MatMul', ['float_input', 'weights'], ['logits_without_bias'])),
    bytesField(1, node('Add', ['logits_without_bias', 'bias'], ['logits'])),
    bytesField(1, node('Softmax', ['logits'], ['probabilities'], { axis: 1 })),
    bytesField(2, 'softmax_classifier'),
    bytesField(5, floatTensor('weights', [features, classes], weights)),
    bytesField(5, floatTensor('bias', [classes], bias)),
    bytesField(11, floatValueInfo('float_input', ['N', features])),
    bytesField(12, floatValueInfo('probabilities', ['N', classes])),
  ];
  const model = [
    intField(1, 8), // ir_version 8 goes with opset 13..17
    bytesField(2, producer),
    bytesField(7, graph),
    bytesField(8, [bytesField(1, ''), intField(2, 13)]),
    ...Object.entries(metadata).map(([key, value]) => bytesField(14, [bytesField(1, key), bytesField(2, value)])),
  ];
  return Buffer.concat(model);
}
