"""The way of one message, for every channel alike: a received update is stored in the inbox (`intake`),
handled with its answers and replies in one transaction (`inbox`), and the replies are delivered under rate
limits, replies first (`outbox`, `rate_limit`). Channels plug in through one protocol (`channel.Channel`);
`runner` runs any set of them with the jobs and the scheduler (`background`)."""
