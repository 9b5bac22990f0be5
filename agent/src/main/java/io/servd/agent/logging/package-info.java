/** servd's Logback configuration, in code ({@link io.servd.agent.logging.ServdLogConfigurator}). */
package io.servd.agent.logging;
