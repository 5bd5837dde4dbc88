"""The operations and targeting console (`acid-processor serve`): a web view of the queues, the
holds, the dead letters and the policy for the people who run the processor and work its
referrals. `app.create_app` needs the optional extra (`pip install 'acid-processor[console]'`);
`replay` (trying a rule set) and the store reads it uses need nothing more than the processor."""
