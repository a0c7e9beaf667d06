/** The default VitePress theme plus the live examples (each loads TensorFlow.js only in the browser, on mount). */
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import IncludedMarkdown from './IncludedMarkdown.vue';
import LiveLoss from './LiveLoss.vue';
import LiveTraining from './LiveTraining.vue';
import PlaygroundEmbed from './PlaygroundEmbed.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('IncludedMarkdown', IncludedMarkdown);
    app.component('LiveLoss', LiveLoss);
    app.component('LiveTraining', LiveTraining);
    app.component('PlaygroundEmbed', PlaygroundEmbed);
  },
};

export default theme;
