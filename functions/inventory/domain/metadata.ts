export { type CommandMetadata, commandMetadata } from '../../kernel/domain/commands.js';
