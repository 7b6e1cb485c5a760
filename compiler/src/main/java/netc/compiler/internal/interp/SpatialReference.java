package netc.compiler.internal.interp;

import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.ir.Window;

/**
 * The image ops in double precision, each the textbook loop over samples, channels and window positions. Values are
 * channel-last: element (c, h, w) of sample b of a [C, H, W] value is at {@code b * C*H*W + (h * W + w) * C + c}.
 */
final class SpatialReference {
    private SpatialReference() {
    }

    static double[] evaluate(Node n, double[][] v, int batch) {
        Node x = n.input(0);
        double[] xv = v[x.id()];
        int samples = n.batched() ? batch : 1;
        Window w = n.attrs().window();
        switch (n.op()) {
            case IM2COL:
                return im2col(xv, x.shape(), w, n.shape(), samples, x.batched());
            case COL2IM:
                return col2im(xv, n.shape(), w, x.shape(), samples);
            case MAXPOOL: case AVGPOOL:
                return pool(n.op() == Op.MAXPOOL, xv, x.shape(), w, n.shape(), samples, x.batched());
            case MAXPOOL_GRAD:
                return maxPoolGrad(xv, x.batched(), v[n.input(1).id()], n.input(1).batched(), x.shape(), w,
                        n.input(1).shape(), samples);
            case AVGPOOL_GRAD:
                return avgPoolGrad(xv, n.shape(), w, x.shape(), samples);
            case SUM_CHANNELS:
                return sumChannels(xv, x.shape(), x.batched() ? batch : 1);
            case KERNEL_CHANNELS_LAST: case KERNEL_CHANNELS_FIRST:
                return permuteKernel(n.op() == Op.KERNEL_CHANNELS_LAST, xv, x.shape());
            case GLOBAL_AVGPOOL:
                return globalAvgPool(xv, x.shape(), samples);
            case GLOBAL_AVGPOOL_GRAD:
                return globalAvgPoolGrad(xv, n.shape(), samples);
            case CONCAT:
                return concat(xv, x.shape(), v[n.input(1).id()], n.input(1).shape(), samples);
            case COLUMNS:
                return columns(xv, x.shape(), (int) n.attrs().value(), n.shape(), samples);
            default:
                throw new AssertionError(n.op());
        }
    }

    private static int at(Shape s, int b, int c, int h, int w) {
        return b * s.size() + (h * s.dim(2) + w) * s.dim(0) + c;
    }

    private static double[] im2col(double[] x, Shape in, Window w, Shape out, int samples, boolean batched) {
        double[] p = new double[samples * out.size()];
        int k = w.size();
        for (int b = 0; b < samples; b++) {
            int bx = batched ? b : 0;
            for (int oh = 0; oh < out.dim(1); oh++) {
                for (int ow = 0; ow < out.dim(2); ow++) {
                    for (int c = 0; c < in.dim(0); c++) {
                        for (int kh = 0; kh < k; kh++) {
                            for (int kw = 0; kw < k; kw++) {
                                int h = oh * w.stride() - w.pad() + kh;
                                int wd = ow * w.stride() - w.pad() + kw;
                                boolean inside = h >= 0 && h < in.dim(1) && wd >= 0 && wd < in.dim(2);
                                p[at(out, b, (kh * k + kw) * in.dim(0) + c, oh, ow)] = inside ? x[at(in, bx, c, h, wd)] : 0;
                            }
                        }
                    }
                }
            }
        }
        return p;
    }

    private static double[] col2im(double[] g, Shape in, Window w, Shape patches, int samples) {
        double[] dx = new double[samples * in.size()];
        int k = w.size();
        for (int b = 0; b < samples; b++) {
            for (int oh = 0; oh < patches.dim(1); oh++) {
                for (int ow = 0; ow < patches.dim(2); ow++) {
                    for (int c = 0; c < in.dim(0); c++) {
                        for (int kh = 0; kh < k; kh++) {
                            for (int kw = 0; kw < k; kw++) {
                                int h = oh * w.stride() - w.pad() + kh;
                                int wd = ow * w.stride() - w.pad() + kw;
                                if (h >= 0 && h < in.dim(1) && wd >= 0 && wd < in.dim(2)) {
                                    dx[at(in, b, c, h, wd)] += g[at(patches, b, (kh * k + kw) * in.dim(0) + c, oh, ow)];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static double[] pool(boolean max, double[] x, Shape in, Window w, Shape out, int samples,
                                 boolean batched) {
        double[] y = new double[samples * out.size()];
        for (int b = 0; b < samples; b++) {
            int bx = batched ? b : 0;
            for (int c = 0; c < in.dim(0); c++) {
                for (int oh = 0; oh < out.dim(1); oh++) {
                    for (int ow = 0; ow < out.dim(2); ow++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int kh = 0; kh < w.size(); kh++) {
                            for (int kw = 0; kw < w.size(); kw++) {
                                double e = x[at(in, bx, c, oh * w.stride() + kh, ow * w.stride() + kw)];
                                acc = max ? (Double.isNaN(e) || e > acc ? e : acc) : acc + e;
                            }
                        }
                        y[at(out, b, c, oh, ow)] = max ? acc : acc / (w.size() * w.size());
                    }
                }
            }
        }
        return y;
    }

    /** Each window's gradient goes to the first maximal element in window order (row by row); windows add. */
    private static double[] maxPoolGrad(double[] x, boolean xBatched, double[] g, boolean gBatched, Shape in,
                                        Window w, Shape out, int samples) {
        double[] dx = new double[samples * in.size()];
        for (int b = 0; b < samples; b++) {
            int bx = xBatched ? b : 0;
            int bg = gBatched ? b : 0;
            for (int c = 0; c < in.dim(0); c++) {
                for (int oh = 0; oh < out.dim(1); oh++) {
                    for (int ow = 0; ow < out.dim(2); ow++) {
                        int best = -1;
                        double bestValue = 0;
                        for (int kh = 0; kh < w.size(); kh++) {
                            for (int kw = 0; kw < w.size(); kw++) {
                                int i = at(in, bx, c, oh * w.stride() + kh, ow * w.stride() + kw);
                                if (best < 0 || x[i] > bestValue) {
                                    best = i - bx * in.size();
                                    bestValue = x[i];
                                }
                            }
                        }
                        dx[b * in.size() + best] += g[at(out, bg, c, oh, ow)];
                    }
                }
            }
        }
        return dx;
    }

    private static double[] avgPoolGrad(double[] g, Shape in, Window w, Shape out, int samples) {
        double[] dx = new double[samples * in.size()];
        double share = 1.0 / (w.size() * w.size());
        for (int b = 0; b < samples; b++) {
            for (int c = 0; c < in.dim(0); c++) {
                for (int oh = 0; oh < out.dim(1); oh++) {
                    for (int ow = 0; ow < out.dim(2); ow++) {
                        for (int kh = 0; kh < w.size(); kh++) {
                            for (int kw = 0; kw < w.size(); kw++) {
                                dx[at(in, b, c, oh * w.stride() + kh, ow * w.stride() + kw)] +=
                                        g[at(out, b, c, oh, ow)] * share;
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** [O, C, K, K] to [O, K, K, C] (last) or back (first); {@code in} is the operand's shape. */
    private static double[] permuteKernel(boolean last, double[] v, Shape in) {
        double[] out = new double[v.length];
        int o = in.dim(0);
        int c = last ? in.dim(1) : in.dim(3);
        int k = in.dim(2);
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < c; ic++) {
                for (int kh = 0; kh < k; kh++) {
                    for (int kw = 0; kw < k; kw++) {
                        int first = ((oc * c + ic) * k + kh) * k + kw;
                        int channelsLast = ((oc * k + kh) * k + kw) * c + ic;
                        if (last) {
                            out[channelsLast] = v[first];
                        } else {
                            out[first] = v[channelsLast];
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double[] sumChannels(double[] v, Shape in, int samples) {
        double[] out = new double[in.dim(0)];
        for (int i = 0; i < samples * in.size(); i++) {
            out[i % in.dim(0)] += v[i];
        }
        return out;
    }

    /** {@code out[b, c]}: the mean of channel c of sample b over its H*W pixels. */
    private static double[] globalAvgPool(double[] x, Shape in, int samples) {
        int c = in.dim(0);
        double[] out = new double[samples * c];
        for (int b = 0; b < samples; b++) {
            for (int ci = 0; ci < c; ci++) {
                double sum = 0;
                for (int h = 0; h < in.dim(1); h++) {
                    for (int w = 0; w < in.dim(2); w++) {
                        sum += x[at(in, b, ci, h, w)];
                    }
                }
                out[b * c + ci] = sum / in.rowsPerSample();
            }
        }
        return out;
    }

    /** {@code dx[b, c, h, w] = g[b, c] / (H*W)}. */
    private static double[] globalAvgPoolGrad(double[] g, Shape in, int samples) {
        int c = in.dim(0);
        double[] dx = new double[samples * in.size()];
        for (int b = 0; b < samples; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int h = 0; h < in.dim(1); h++) {
                    for (int w = 0; w < in.dim(2); w++) {
                        dx[at(in, b, ci, h, w)] = g[b * c + ci] / in.rowsPerSample();
                    }
                }
            }
        }
        return dx;
    }

    /** Element (c, h, w) of a vector [n] (rank 1: h = w = 0) or an image. */
    private static int atAny(Shape s, int b, int c, int h, int w) {
        return s.rank() == 1 ? b * s.size() + c : at(s, b, c, h, w);
    }

    /** {@code out[b, c, h, w]} is {@code a[b, c, h, w]} for c below a's channels, else b's channel c - C1. */
    private static double[] concat(double[] a, Shape sa, double[] bv, Shape sb, int samples) {
        int ca = sa.dim(0);
        int c = ca + sb.dim(0);
        int height = sa.rank() == 1 ? 1 : sa.dim(1);
        int width = sa.rank() == 1 ? 1 : sa.dim(2);
        Shape out = sa.rank() == 1 ? Shape.of(c) : Shape.of(c, height, width);
        double[] o = new double[samples * out.size()];
        for (int b = 0; b < samples; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int h = 0; h < height; h++) {
                    for (int w = 0; w < width; w++) {
                        o[atAny(out, b, ci, h, w)] = ci < ca ? a[atAny(sa, b, ci, h, w)]
                                : bv[atAny(sb, b, ci - ca, h, w)];
                    }
                }
            }
        }
        return o;
    }

    /** Channels {@code [from, from + C')} of x, where {@code out} is [C'] or [C', H, W]. */
    private static double[] columns(double[] x, Shape in, int from, Shape out, int samples) {
        int height = out.rank() == 1 ? 1 : out.dim(1);
        int width = out.rank() == 1 ? 1 : out.dim(2);
        double[] o = new double[samples * out.size()];
        for (int b = 0; b < samples; b++) {
            for (int ci = 0; ci < out.dim(0); ci++) {
                for (int h = 0; h < height; h++) {
                    for (int w = 0; w < width; w++) {
                        o[atAny(out, b, ci, h, w)] = x[atAny(in, b, from + ci, h, w)];
                    }
                }
            }
        }
        return o;
    }
}
