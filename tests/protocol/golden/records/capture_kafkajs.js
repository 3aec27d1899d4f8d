// Produces the golden messages with kafkajs to the capture server started by capture.py.
// Usage: node capture_kafkajs.js <port> <none|gzip|snappy|lz4>
// Needs kafkajs, kafkajs-snappy and kafkajs-lz4 resolvable from the working directory (tests/).
const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = require('kafkajs');
const SnappyCodec = require('kafkajs-snappy');
const LZ4Codec = require('kafkajs-lz4');

CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec;

const [port, codec] = process.argv.slice(2);
const types = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
};

// Same content as MESSAGES in capture.py.
const messages = [
  { key: 'key-0', value: 'value-0', headers: { h: 'hv' }, timestamp: '1700000000000' },
  { key: null, value: 'value-1 with a longer body '.repeat(20), timestamp: '1700000000001' },
  { key: 'key-2', value: null, timestamp: '1700000000005' },
  { key: '', value: '', timestamp: '1700000000003' },
];

(async () => {
  const kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic: 'golden', acks: 1, compression: types[codec], messages: messages.map((m) => ({ ...m, partition: 0 })) });
  await producer.disconnect();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
