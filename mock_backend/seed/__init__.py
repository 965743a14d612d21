"""The deterministic seed generator (`mock_backend.seed.seeding.seed_database`) and the data it
draws from. Kept empty so that the fee modules can use `seed.people` and `seed.rules`
without importing the whole generator, which imports them back."""
