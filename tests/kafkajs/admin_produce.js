// kafkajs against brook-broker: admin calls, then batches produced with gzip, snappy and lz4.
// Usage: node admin_produce.js <host:port> <topic prefix> <messages per codec>
// Prints one JSON object with what the admin calls answered; the caller reads the messages back
// with another client and checks counts and bytes.
'use strict';
const { Kafka, CompressionTypes, CompressionCodecs, logLevel } = require('kafkajs');
const SnappyCodec = require('kafkajs-snappy');
const LZ4 = require('kafkajs-lz4');

CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec;
CompressionCodecs[CompressionTypes.LZ4] = new (LZ4.default || LZ4)().codec;

const [broker, prefix, perCodecText] = process.argv.slice(2);
const perCodec = Number(perCodecText);
const codecs = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4 };

function valueOf(codec, i) {
  // Varied sizes and a compressible body, so batches hold different lengths.
  return `${codec}-${i}-` + 'abcdefgh'.repeat(1 + (i % 17));
}

async function main() {
  const kafka = new Kafka({ clientId: 'brook-e2e', brokers: [broker], logLevel: logLevel.WARN, retry: { retries: 3 } });
  const admin = kafka.admin();
  await admin.connect();
  const out = {};
  const topics = Object.keys(codecs).map((c) => `${prefix}-${c}`);
  out.created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      ...topics.map((topic) => ({ topic, numPartitions: 2, replicationFactor: 1 })),
      { topic: `${prefix}-admin`, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }] },
    ],
  });
  out.listed = (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
  const md = await admin.fetchTopicMetadata({ topics: [`${prefix}-admin`, ...topics] });
  out.partitions = Object.fromEntries(md.topics.map((t) => [t.name, t.partitions.length]));

  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: `${prefix}-admin` }] });
  const entries = described.resources[0].configEntries;
  out.retention_before = entries.find((e) => e.configName === 'retention.ms').configValue;
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: `${prefix}-admin`, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'cleanup.policy', value: 'compact' }] }] });
  const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: `${prefix}-admin`, configNames: ['retention.ms', 'cleanup.policy'] }] });
  out.after = Object.fromEntries(after.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  try {
    await admin.alterConfigs({ resources: [{ type: 2, name: `${prefix}-admin`, configEntries: [{ name: 'retention.ms', value: 'never' }] }] });
    out.bad_config = 'accepted';
  } catch (e) {
    out.bad_config = e.type || e.name;
  }
  await admin.createPartitions({ topicPartitions: [{ topic: `${prefix}-admin`, count: 3 }] });
  const grown = await admin.fetchTopicMetadata({ topics: [`${prefix}-admin`] });
  out.grown = grown.topics[0].partitions.length;

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  out.produced = {};
  for (const [name, type] of Object.entries(codecs)) {
    let sent = 0;
    let bytes = 0;
    for (let start = 0; start < perCodec; start += 100) {
      const messages = [];
      for (let i = start; i < Math.min(perCodec, start + 100); i++) {
        const value = valueOf(name, i);
        messages.push({ key: `k${i}`, value, partition: i % 2 });
        bytes += Buffer.byteLength(value);
      }
      await producer.send({ topic: `${prefix}-${name}`, compression: type, acks: -1, messages });
      sent += messages.length;
    }
    out.produced[name] = { count: sent, bytes };
  }
  await producer.disconnect();

  // DeleteRecords on the admin topic after a few messages.
  const p2 = kafka.producer();
  await p2.connect();
  await p2.send({ topic: `${prefix}-admin`, messages: Array.from({ length: 10 }, (_, i) => ({ value: `r${i}`, partition: 0 })) });
  await p2.disconnect();
  await admin.deleteTopicRecords({ topic: `${prefix}-admin`, partitions: [{ partition: 0, offset: '4' }] });
  const offsets = await admin.fetchTopicOffsets(`${prefix}-admin`);
  out.low_after_delete = offsets.find((o) => o.partition === 0).low;

  await admin.createTopics({ topics: [{ topic: `${prefix}-doomed`, numPartitions: 1 }] });
  await admin.deleteTopics({ topics: [`${prefix}-doomed`] });
  out.after_delete = (await admin.listTopics()).includes(`${prefix}-doomed`);
  await admin.disconnect();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`kafkajs failed: ${e.stack || e}\n`);
  process.exit(1);
});
