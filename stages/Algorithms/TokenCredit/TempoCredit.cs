namespace Pipeline.Stages.Algorithms.TokenCredit;

/// <summary>
/// TEMPO (prefix-to-tree credit, 2025): the group's completions form a prefix tree over token ids;
/// a node's value V is the mean outcome of the completions passing through it. At a branching
/// node (two or more distinct next tokens) the token taken gets the temporal-difference
/// correction V(child) - V(node) added to its sequence advantage: the branch that led to better
/// outcomes is credited, the other blamed. Where the completions do not branch the correction is
/// zero and the advantage is GRPO's. Needs no critic: the group's own tokens are the tree.
/// </summary>
public sealed class TempoCredit(TokenCreditOptions options) : ITokenCreditAssigner
{
    public string Name => "tempo";

    public TokenCredit Assign(CreditGroup group)
    {
        group.Validate();
        var root = new Node();
        for (var i = 0; i < group.Count; i++)
        {
            var node = root;
            node.Add(group.Rewards[i]);
            foreach (var token in group.TokenIds[i])
            {
                node = node.Child(token);
                node.Add(group.Rewards[i]);
            }
        }

        var credit = TokenCredit.Broadcast(group);
        for (var i = 0; i < group.Count; i++)
        {
            var node = root;
            var ids = group.TokenIds[i];
            for (var t = 0; t < ids.Length; t++)
            {
                var child = node.Children![ids[t]];
                if (node.Children.Count > 1)
                {
                    credit.Advantages[i][t] += (float)(options.TempoTdScale * (child.Value - node.Value));
                }

                node = child;
            }
        }

        return credit;
    }

    private sealed class Node
    {
        private double sum;
        private int count;

        public Dictionary<int, Node>? Children { get; private set; }

        public double Value => count == 0 ? 0 : sum / count;

        public void Add(double reward)
        {
            sum += reward;
            count++;
        }

        public Node Child(int token)
        {
            Children ??= [];
            if (!Children.TryGetValue(token, out var child))
            {
                Children[token] = child = new Node();
            }

            return child;
        }
    }
}
