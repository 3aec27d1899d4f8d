// kafkajs part of capture_requests.py: producer, consumer and admin calls against the capture
// broker on 127.0.0.1:<port>. Requests that are never answered time out quickly.
const { Kafka, logLevel } = require('kafkajs')

const port = process.argv[2]
const kafka = new Kafka({
  clientId: 'golden-kafkajs',
  brokers: [`127.0.0.1:${port}`],
  logLevel: logLevel.NOTHING,
  requestTimeout: 2000,
  connectionTimeout: 1000,
  retry: { retries: 0 },
})

const withTimeout = (p, ms) => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms))])

async function main() {
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await withTimeout(producer.connect(), 3000)
  await withTimeout(producer.send({ topic: 'golden', acks: -1, messages: [{ key: 'k', value: 'v', partition: 0, timestamp: '1700000000000' }] }), 4000)
  await withTimeout(producer.disconnect(), 1000)

  const admin = kafka.admin()
  await withTimeout(admin.connect(), 3000)
  await withTimeout(admin.createTopics({ topics: [{ topic: 'golden-new', numPartitions: 3, replicationFactor: 1 }] }), 3000)
  await withTimeout(admin.deleteTopics({ topics: ['golden-old'], timeout: 1000 }), 3000)
  await withTimeout(admin.listGroups(), 3000)
  await withTimeout(admin.disconnect(), 1000)

  const consumer = kafka.consumer({ groupId: 'golden-group', sessionTimeout: 6000 })
  await withTimeout(consumer.connect(), 3000)
  await withTimeout(consumer.subscribe({ topic: 'golden' }), 3000)
  await withTimeout(consumer.run({ eachMessage: async () => {} }), 4000)
  await withTimeout(consumer.disconnect(), 1000)
  process.exit(0)
}

main()
