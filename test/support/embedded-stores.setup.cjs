// Setup of the e2e project (jest.config.js): its ledgers keep everything in the embedded
// stores even when MONGODB_URL is set; the e2e-mongodb project runs the files that need
// MongoDB with it. Jest gives each test file its own copy of process.env, so this touches
// neither the other projects' files nor the shell that started Jest.
delete process.env.MONGODB_URL;
