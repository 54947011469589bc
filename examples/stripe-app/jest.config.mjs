import uiExtensionJestConfig from '@stripe/ui-extension-tools/jest.config.ui-extension.mjs';

export default {
  ...uiExtensionJestConfig,
  testEnvironment: 'jsdom',
  // The extension SDK ships ES modules: ts-jest (allowJs) compiles it with the app's code.
  transform: { ...uiExtensionJestConfig.transform, '^.+\\.[jt]sx?$': 'ts-jest' },
  transformIgnorePatterns: ['/node_modules/(?!(@stripe/ui-extension-sdk|@remote-ui)/)'],
  setupFilesAfterEnv: ['stripe-permission-guard/jest/setup', '<rootDir>/test/setup-dashboard.ts'],
  reporters: ['default', ['stripe-permission-guard/jest/reporter', { manifest: 'stripe-app.json' }]],
};
