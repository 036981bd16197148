export { type App, type AppOptions, createApp } from './app.js';
export { instrumentAwsSource } from './aws-metrics.js';
export { resolveServeConfig, type ServeConfig, serveOptions } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
export { loadToken, type TokenOrigin, type TokenVerifier, tokenHeader } from './token.js';
