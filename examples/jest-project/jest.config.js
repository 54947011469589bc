module.exports = {
  setupFilesAfterEnv: ['stripe-permission-guard/jest/setup'],
  reporters: ['default', ['stripe-permission-guard/jest/reporter', { manifest: 'stripe-app.json' }]],
};
